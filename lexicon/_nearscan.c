/* The candidate windows of the formulation near-miss matcher (lexicon/matchers.py), in C.
 *
 * near_windows(text, matches, table, starts, terms, exact) -> list of (term index, start, end)
 *
 * matches: the pieces found in ``text``, a list of (piece index, start, end) in the order the
 *          Aho-Corasick scan reports them;
 * table:   a buffer of int32, six per candidate: term index, the piece's offset in the term, k,
 *          reach (len(term) + k), the piece's length (0 for a whole-window key), need;
 * starts:  a buffer of int32: the candidates of piece p are rows starts[p] .. starts[p + 1] - 1;
 * terms:   the tuple of terms;
 * exact:   a buffer of int32, (start, end) pairs sorted by start: exact canonical forms, which
 *          cover a window when equal to it, or at least as long as the term and over half the window.
 *
 * ``near_windows_py`` in lexicon/matchers.py is the definition; this must equal it exactly
 * (tests/test_nearscan.py). Distances are plain Levenshtein distances (python-Levenshtein's
 * ``distance``), computed in a band: only whether they exceed a cutoff matters.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ROW 6

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t len;
} Str;

static inline Py_UCS4 at(const Str *s, Py_ssize_t i) { return PyUnicode_READ(s->kind, s->data, i); }

static int str_of(PyObject *o, Str *s) {
    if (!PyUnicode_Check(o)) {
        PyErr_SetString(PyExc_TypeError, "expected str");
        return -1;
    }
    if (PyUnicode_READY(o) < 0) return -1;
    s->kind = PyUnicode_KIND(o);
    s->data = PyUnicode_DATA(o);
    s->len = PyUnicode_GET_LENGTH(o);
    return 0;
}

/* Levenshtein distance of a (all of it) and b[b0:b1], or cutoff + 1 when it exceeds cutoff. */
static int banded(const Str *a, const Str *b, Py_ssize_t b0, Py_ssize_t b1, int cutoff, int *buf) {
    Py_ssize_t m = a->len, n = b1 - b0;
    int big = cutoff + 1;
    if (m - n > cutoff || n - m > cutoff) return big;
    int *prev = buf, *cur = buf + (n + 1);
    for (Py_ssize_t j = 0; j <= n; j++) prev[j] = j <= cutoff ? (int)j : big;
    for (Py_ssize_t i = 1; i <= m; i++) {
        Py_ssize_t lo = i - cutoff > 1 ? i - cutoff : 1;
        Py_ssize_t hi = i + cutoff < n ? i + cutoff : n;
        int row_min = big;
        cur[0] = i <= cutoff ? (int)i : big;
        if (lo > 1) cur[lo - 1] = big;
        if (cur[0] < row_min && lo == 1) row_min = cur[0];
        Py_UCS4 ca = at(a, i - 1);
        for (Py_ssize_t j = lo; j <= hi; j++) {
            int best = prev[j - 1] + (ca != at(b, b0 + j - 1));
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            if (del < best) best = del;
            if (ins < best) best = ins;
            if (best > big) best = big;
            cur[j] = best;
            if (best < row_min) row_min = best;
        }
        if (hi < n) cur[hi + 1] = big;
        if (row_min > cutoff) return big;
        int *t = prev; prev = cur; cur = t;
    }
    return prev[n] > cutoff ? big : prev[n];
}

/* Open addressing set of (term index, guess) keys. */
typedef struct {
    uint64_t *slots;
    size_t mask;
} KeySet;

static int keyset_init(KeySet *s, size_t expected) {
    size_t cap = 64;
    while (cap < expected * 2) cap <<= 1;
    s->slots = calloc(cap, sizeof(uint64_t));
    s->mask = cap - 1;
    return s->slots ? 0 : -1;
}

/* 1 when the key was added, 0 when it was there. Keys are never 0 (the index is stored + 1). */
static int keyset_add(KeySet *s, uint64_t key) {
    size_t h = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 17) & s->mask;
    while (s->slots[h]) {
        if (s->slots[h] == key) return 0;
        h = (h + 1) & s->mask;
    }
    s->slots[h] = key;
    return 1;
}

static int is_in(const Str *t, Py_ssize_t a, Py_ssize_t b, Py_UCS4 c) {
    for (Py_ssize_t i = a; i < b; i++)
        if (at(t, i) == c) return 1;
    return 0;
}

/* Whether an exact form covers [start, end) (formulation.py's _covered_by_exact). */
static int covered(const int32_t *spans, Py_ssize_t n_spans, Py_ssize_t longest, Py_ssize_t start, Py_ssize_t end,
                   Py_ssize_t length) {
    Py_ssize_t lo = 0, hi = n_spans;
    while (lo < hi) { /* the first span starting at or after end */
        Py_ssize_t mid = (lo + hi) / 2;
        if (spans[2 * mid] < end) lo = mid + 1; else hi = mid;
    }
    for (Py_ssize_t i = lo - 1; i >= 0 && spans[2 * i] > start - longest; i--) {
        Py_ssize_t s = spans[2 * i], e = spans[2 * i + 1];
        if (e <= start) continue;
        if (s == start && e == end) return 1;
        Py_ssize_t overlap = (e < end ? e : end) - (s > start ? s : start);
        if (e - s >= length && 2 * overlap >= end - start) return 1;
    }
    return 0;
}

static int append_window(PyObject *out, long index, Py_ssize_t start, Py_ssize_t end) {
    PyObject *row = Py_BuildValue("(lnn)", index, start, end);
    if (!row) return -1;
    int rc = PyList_Append(out, row);
    Py_DECREF(row);
    return rc;
}

static PyObject *near_windows(PyObject *self, PyObject *args) {
    PyObject *text_obj, *matches, *terms;
    Py_buffer table = {0}, starts = {0}, exact = {0};
    if (!PyArg_ParseTuple(args, "OO!y*y*O!y*", &text_obj, &PyList_Type, &matches, &table, &starts, &PyTuple_Type,
                          &terms, &exact))
        return NULL;
    PyObject *out = NULL;
    int *buf = NULL;
    KeySet tried = {0};
    Str text;
    if (str_of(text_obj, &text) < 0) goto done;
    const int32_t *rows = table.buf, *first = starts.buf;
    Py_ssize_t n_rows = table.len / (Py_ssize_t)(sizeof(int32_t) * ROW);
    Py_ssize_t n_pieces = starts.len / (Py_ssize_t)sizeof(int32_t) - 1;
    Py_ssize_t n_terms = PyTuple_GET_SIZE(terms);
    Py_ssize_t n = text.len, n_matches = PyList_GET_SIZE(matches);
    const int32_t *spans = exact.buf;
    Py_ssize_t n_spans = exact.len / (Py_ssize_t)(2 * sizeof(int32_t)), longest = 0;
    for (Py_ssize_t i = 0; i < n_spans; i++) {
        if (spans[2 * i + 1] - spans[2 * i] > longest) longest = spans[2 * i + 1] - spans[2 * i];
        if (i && spans[2 * i] < spans[2 * i - 2]) {
            PyErr_SetString(PyExc_ValueError, "exact spans must be sorted by start");
            goto done;
        }
    }

    /* Parse the matches once; count the candidates to size the set. */
    long *parsed = NULL;
    size_t expected = 0;
    if (n_matches) {
        parsed = malloc(sizeof(long) * 3 * (size_t)n_matches);
        if (!parsed) { PyErr_NoMemory(); goto done; }
    }
    for (Py_ssize_t m = 0; m < n_matches; m++) {
        PyObject *t = PyList_GET_ITEM(matches, m);
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 3) {
            PyErr_SetString(PyExc_TypeError, "a match is a (piece, start, end) tuple");
            free(parsed);
            goto done;
        }
        for (int f = 0; f < 3; f++) parsed[3 * m + f] = PyLong_AsLong(PyTuple_GET_ITEM(t, f));
        if (PyErr_Occurred()) { free(parsed); goto done; }
        long p = parsed[3 * m];
        if (p < 0 || p >= n_pieces || first[p] < 0 || first[p + 1] > n_rows || first[p] > first[p + 1]) {
            PyErr_SetString(PyExc_ValueError, "piece index out of the table");
            free(parsed);
            goto done;
        }
        expected += (size_t)(first[p + 1] - first[p]);
    }
    if (keyset_init(&tried, expected) < 0) { PyErr_NoMemory(); free(parsed); goto done; }
    out = PyList_New(0);
    if (!out) { free(parsed); goto done; }
    Py_ssize_t buf_len = 0;

    for (Py_ssize_t m = 0; m < n_matches; m++) {
        long p = parsed[3 * m];
        Py_ssize_t piece_start = parsed[3 * m + 1], piece_end = parsed[3 * m + 2];
        for (int32_t r = first[p]; r < first[p + 1]; r++) {
            const int32_t *row = rows + (Py_ssize_t)r * ROW;
            long index = row[0];
            Py_ssize_t offset = row[1], k = row[2], reach = row[3], piece_len = row[4], need = row[5];
            if (index < 0 || index >= n_terms) {
                PyErr_SetString(PyExc_ValueError, "term index out of range");
                Py_CLEAR(out);
                free(parsed);
                goto done;
            }
            Py_ssize_t guess = piece_start - offset;
            uint64_t key = ((uint64_t)(index + 1) << 32) | (uint32_t)(int32_t)guess;
            if (!keyset_add(&tried, key)) continue;
            Str term;
            if (str_of(PyTuple_GET_ITEM(terms, index), &term) < 0) { Py_CLEAR(out); free(parsed); goto done; }
            Py_ssize_t length = term.len;
            if (piece_len) {
                /* The rest of a window within k edits keeps all but k of the term's other characters. */
                Py_ssize_t a0 = guess > k ? guess - k : 0, a1 = piece_start < n ? piece_start : n;
                Py_ssize_t b0 = piece_end, b1 = guess + reach < n ? guess + reach : n;
                Py_ssize_t missing = 0, allowed = (length - piece_len) - need;
                for (Py_ssize_t i = 0; i < length && missing <= allowed; i++) {
                    if (i >= offset && i < offset + piece_len) continue;
                    Py_UCS4 c = at(&term, i);
                    if (!is_in(&text, a0, a1, c) && !is_in(&text, b0, b1, c)) missing++;
                }
                if (missing > allowed) continue;
            }
            /* An exact occurrence here: any window only trims or extends it. */
            if (guess >= 0 && guess + length <= n) {
                Py_ssize_t i = 0;
                while (i < length && at(&text, guess + i) == at(&term, i)) i++;
                if (i == length) continue;
            }
            Py_ssize_t lo = guess - k > 0 ? guess - k : 0;
            Py_ssize_t hi = guess + length + k < n ? guess + length + k : n;
            if (hi < lo) hi = lo;
            /* room for two rows of the region (<= length + 2k) or of a window (<= length + k) */
            if (buf_len < 2 * (length + 2 * k + 2)) {
                buf_len = 2 * (length + 2 * k + 2) + 64;
                int *grown = realloc(buf, sizeof(int) * (size_t)buf_len);
                if (!grown) { PyErr_NoMemory(); Py_CLEAR(out); free(parsed); goto done; }
                buf = grown;
            }
            /* The region is a window within k edits plus at most 3k more characters (insertions). */
            if (banded(&term, &text, lo, hi, 4 * (int)k, buf) > 4 * k) continue;
            for (Py_ssize_t start = lo; start < guess + k + 1; start++) {
                for (Py_ssize_t size = length - k; size < length + k + 1; size++) {
                    Py_ssize_t end = start + size;
                    if (end > n) break;
                    int cutoff = size == length ? 2 * (int)k : (int)k;
                    if (size == length) {
                        Py_ssize_t i = 0;
                        while (i < length && at(&text, start + i) == at(&term, i)) i++;
                        if (i == length) continue;
                    }
                    if (banded(&term, &text, start, end, cutoff, buf) > cutoff) continue;
                    if (n_spans && covered(spans, n_spans, longest, start, end, length)) continue;
                    if (append_window(out, index, start, end) < 0) { Py_CLEAR(out); free(parsed); goto done; }
                }
            }
        }
    }
    free(parsed);
done:
    free(buf);
    free(tried.slots);
    PyBuffer_Release(&table);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&exact);
    return out;
}

static PyMethodDef methods[] = {
    {"near_windows", near_windows, METH_VARARGS,
     "near_windows(text, matches, table, starts, terms, exact) -> [(term index, start, end)]: the windows within "
     "the distance cutoffs of the near-miss matcher (lexicon.matchers.near_windows_py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_nearscan", NULL, -1, methods};

PyMODINIT_FUNC PyInit__nearscan(void) { return PyModule_Create(&module); }
