/* Best-segmentation scores of one run of characters, in C (lexicon/typo_words.py holds the
 * Python definition, which this must equal bit for bit: same dictionary look-ups, same double
 * additions in the same order, same tie-breaking). Used by the general typo detector, which
 * asks for these scores on every run of Chinese characters of every checked text. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdlib.h>

static PyObject *
score_run(PyObject *self, PyObject *args)
{
    PyObject *run, *logp, *prefixes;
    double unknown;
    if (!PyArg_ParseTuple(args, "UO!Od", &run, &PyDict_Type, &logp, &prefixes, &unknown))
        return NULL;
    if (!PyAnySet_Check(prefixes)) {
        PyErr_SetString(PyExc_TypeError, "prefixes must be a set or frozenset");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(run);
    double *forward = malloc(sizeof(double) * (n + 1));
    double *backward = malloc(sizeof(double) * (n + 1));
    Py_ssize_t *choice = malloc(sizeof(Py_ssize_t) * (n + 1));
    Py_ssize_t *first = malloc(sizeof(Py_ssize_t) * (n + 1)); /* first edge of position k */
    Py_ssize_t cap = 4 * (n + 1), used = 0;
    Py_ssize_t *edge_end = malloc(sizeof(Py_ssize_t) * cap);
    double *edge_lp = malloc(sizeof(double) * cap);
    PyObject *result = NULL, *fwd = NULL, *bwd = NULL, *tokens = NULL;
    if (!forward || !backward || !choice || !first || !edge_end || !edge_lp) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k <= n; k++)
        forward[k] = -INFINITY;
    forward[0] = 0.0;
    for (Py_ssize_t k = 0; k < n; k++) {
        double fk = forward[k];
        first[k] = used;
        for (Py_ssize_t j = k + 1; j <= n; j++) {
            PyObject *frag = PyUnicode_Substring(run, k, j);
            if (!frag)
                goto done;
            PyObject *value = PyDict_GetItemWithError(logp, frag);
            double lp;
            int have;
            if (value) {
                lp = PyFloat_AsDouble(value);
                if (lp == -1.0 && PyErr_Occurred()) {
                    Py_DECREF(frag);
                    goto done;
                }
                have = 1;
            } else if (PyErr_Occurred()) {
                Py_DECREF(frag);
                goto done;
            } else if (j == k + 1) {
                lp = unknown;
                have = 1;
            } else {
                int prefix = PySet_Contains(prefixes, frag);
                Py_DECREF(frag);
                if (prefix < 0)
                    goto done;
                if (!prefix)
                    break;
                continue;
            }
            Py_DECREF(frag);
            if (have) {
                if (used == cap) {
                    cap *= 2;
                    Py_ssize_t *e2 = realloc(edge_end, sizeof(Py_ssize_t) * cap);
                    if (!e2) { PyErr_NoMemory(); goto done; }
                    edge_end = e2;
                    double *l2 = realloc(edge_lp, sizeof(double) * cap);
                    if (!l2) { PyErr_NoMemory(); goto done; }
                    edge_lp = l2;
                }
                edge_end[used] = j;
                edge_lp[used] = lp;
                used++;
                if (fk + lp > forward[j])
                    forward[j] = fk + lp;
            }
        }
    }
    first[n] = used;
    backward[n] = 0.0;
    choice[n] = 0;
    for (Py_ssize_t k = n - 1; k >= 0; k--) {
        double best = -INFINITY;
        Py_ssize_t best_end = k + 1;
        for (Py_ssize_t e = first[k]; e < first[k + 1]; e++) {
            double v = edge_lp[e] + backward[edge_end[e]];
            if (v > best) {
                best = v;
                best_end = edge_end[e];
            }
        }
        backward[k] = best;
        choice[k] = best_end;
    }
    fwd = PyList_New(n + 1);
    bwd = PyList_New(n + 1);
    tokens = PyList_New(0);
    if (!fwd || !bwd || !tokens)
        goto done;
    for (Py_ssize_t k = 0; k <= n; k++) {
        PyObject *f = PyFloat_FromDouble(forward[k]);
        PyObject *b = PyFloat_FromDouble(backward[k]);
        if (!f || !b) { Py_XDECREF(f); Py_XDECREF(b); goto done; }
        PyList_SET_ITEM(fwd, k, f);
        PyList_SET_ITEM(bwd, k, b);
    }
    for (Py_ssize_t k = 0; k < n; k = choice[k]) {
        PyObject *token = Py_BuildValue("(nn)", k, choice[k]);
        if (!token)
            goto done;
        int failed = PyList_Append(tokens, token);
        Py_DECREF(token);
        if (failed)
            goto done;
    }
    result = PyTuple_Pack(3, fwd, bwd, tokens);
done:
    Py_XDECREF(fwd);
    Py_XDECREF(bwd);
    Py_XDECREF(tokens);
    free(forward);
    free(backward);
    free(choice);
    free(first);
    free(edge_end);
    free(edge_lp);
    return result;
}

static PyMethodDef methods[] = {
    {"score_run", score_run, METH_VARARGS,
     "score_run(run, logp, prefixes, unknown) -> (forward, backward, tokens)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_segscore", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__segscore(void)
{
    return PyModule_Create(&module);
}
