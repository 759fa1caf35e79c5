/* Best-segmentation scores of one run of characters, in C (lexicon/typo_words.py holds the
 * Python definition, which this must equal bit for bit: same dictionary look-ups, same double
 * additions in the same order, same tie-breaking). Used by the general typo detector, which
 * asks for these scores on every run of Chinese characters of every checked text.
 *
 * Two ways to look words up share one segmentation (segment_run): the module function
 * score_run reads a Python dict and set, Lattice.score its own hash table over code points.
 *
 * Also the detector's search of each run (examine), whose Python definition is in
 * lexicon/typo_fills.py: the same answers, in the same order, with the same doubles. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What a look-up of run[k:j] answers: a word (its log-probability in *lp), only the prefix of
 * a longer word, neither, or an error (a Python exception is set). */
enum { LOOK_ERROR = -1, LOOK_NONE = 0, LOOK_PREFIX = 1, LOOK_WORD = 2 };
typedef int (*lookup_fn)(void *ctx, Py_ssize_t k, Py_ssize_t j, double *lp);

/* jieba's maximum-probability segmentation of a run of n characters, both ways: the
 * (forward, backward, tokens) tuple, or NULL with an exception set. ``lookup`` is asked about
 * run[k:j] for growing j from each k; it is asked whether run[k:k+1] is a prefix only when
 * that helps nothing, so a look-up may answer LOOK_NONE there. */
static inline PyObject *
segment_run(Py_ssize_t n, double unknown, lookup_fn lookup, void *ctx)
{
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
            double lp;
            int found = lookup(ctx, k, j, &lp);
            if (found == LOOK_ERROR)
                goto done;
            if (found != LOOK_WORD) {
                if (j == k + 1)
                    lp = unknown;
                else if (found == LOOK_PREFIX)
                    continue;
                else
                    break;
            }
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

/* ---- score_run: look-ups in a Python dict (word -> log-probability) and set (prefixes). */

typedef struct {
    PyObject *run, *logp, *prefixes;
} DictLookup;

static int
dict_lookup(void *ctx, Py_ssize_t k, Py_ssize_t j, double *lp)
{
    DictLookup *d = ctx;
    PyObject *frag = PyUnicode_Substring(d->run, k, j);
    if (!frag)
        return LOOK_ERROR;
    int found = LOOK_NONE;
    PyObject *value = PyDict_GetItemWithError(d->logp, frag);
    if (value) {
        *lp = PyFloat_AsDouble(value);
        found = (*lp == -1.0 && PyErr_Occurred()) ? LOOK_ERROR : LOOK_WORD;
    } else if (PyErr_Occurred()) {
        found = LOOK_ERROR;
    } else if (j > k + 1) {
        int prefix = PySet_Contains(d->prefixes, frag);
        found = prefix < 0 ? LOOK_ERROR : prefix ? LOOK_PREFIX : LOOK_NONE;
    }
    Py_DECREF(frag);
    return found;
}

static PyObject *
score_run(PyObject *self, PyObject *args)
{
    DictLookup d;
    double unknown;
    if (!PyArg_ParseTuple(args, "UO!Od", &d.run, &PyDict_Type, &d.logp, &d.prefixes, &unknown))
        return NULL;
    if (!PyAnySet_Check(d.prefixes)) {
        PyErr_SetString(PyExc_TypeError, "prefixes must be a set or frozenset");
        return NULL;
    }
    return segment_run(PyUnicode_GET_LENGTH(d.run), unknown, dict_lookup, &d);
}


/* ---- Lattice: the dictionary (words and word prefixes) as one open-addressing hash table over
 * code points, so that scoring a run allocates nothing per look-up (FNV-1a, extended one code
 * point at a time as the candidate word grows). Same answers as the dict and set it is built from. */

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL
#define F_WORD 1
#define F_PREFIX 2

typedef struct {
    uint64_t hash;
    uint32_t off; /* into pool */
    uint32_t len; /* 0: empty slot */
    double lp;
    int flags;
} Entry;

typedef struct {
    PyObject_HEAD
    Entry *table;
    uint64_t mask;
    Py_UCS4 *pool;
    Py_ssize_t pool_used, pool_cap;
    Py_ssize_t count;
} Lattice;

static uint64_t
fnv(const Py_UCS4 *s, Py_ssize_t n)
{
    uint64_t h = FNV_OFFSET;
    for (Py_ssize_t i = 0; i < n; i++)
        h = (h ^ (uint64_t)s[i]) * FNV_PRIME;
    return h;
}

static Entry *
lattice_find(Lattice *self, uint64_t h, const Py_UCS4 *s, Py_ssize_t n)
{
    uint64_t i = h & self->mask;
    for (;;) {
        Entry *e = &self->table[i];
        if (e->len == 0)
            return e; /* empty: where it would go */
        if (e->hash == h && (Py_ssize_t)e->len == n && memcmp(self->pool + e->off, s, n * sizeof(Py_UCS4)) == 0)
            return e;
        i = (i + 1) & self->mask;
    }
}

static int
lattice_add(Lattice *self, PyObject *key, double lp, int flag)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(key);
    if (n == 0 || n > 0xFFFF)
        return 0;
    if (self->pool_used + n > self->pool_cap) {
        Py_ssize_t cap = (self->pool_cap + n) * 2;
        Py_UCS4 *p = realloc(self->pool, cap * sizeof(Py_UCS4));
        if (!p) { PyErr_NoMemory(); return -1; }
        self->pool = p;
        self->pool_cap = cap;
    }
    Py_UCS4 *s = self->pool + self->pool_used;
    if (!PyUnicode_AsUCS4(key, s, n, 0))
        return -1;
    uint64_t h = fnv(s, n);
    Entry *e = lattice_find(self, h, s, n);
    if (e->len == 0) {
        e->hash = h;
        e->off = (uint32_t)self->pool_used;
        e->len = (uint32_t)n;
        e->flags = 0;
        e->lp = 0.0;
        self->pool_used += n;
        self->count++;
    }
    e->flags |= flag;
    if (flag == F_WORD)
        e->lp = lp;
    return 0;
}

static void
lattice_dealloc(Lattice *self)
{
    free(self->table);
    free(self->pool);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
lattice_init(Lattice *self, PyObject *args, PyObject *kwds)
{
    PyObject *logp, *prefixes;
    if (!PyArg_ParseTuple(args, "O!O", &PyDict_Type, &logp, &prefixes))
        return -1;
    if (!PyAnySet_Check(prefixes)) {
        PyErr_SetString(PyExc_TypeError, "prefixes must be a set or frozenset");
        return -1;
    }
    if (self->table) {
        PyErr_SetString(PyExc_RuntimeError, "Lattice already built");
        return -1;
    }
    Py_ssize_t entries = PyDict_Size(logp) + PySet_Size(prefixes);
    uint64_t size = 1024;
    while (size < (uint64_t)entries * 2)
        size <<= 1;
    self->table = calloc(size, sizeof(Entry));
    if (!self->table) { PyErr_NoMemory(); return -1; }
    self->mask = size - 1;
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(logp, &pos, &key, &value)) {
        if (!PyUnicode_Check(key))
            continue;
        double lp = PyFloat_AsDouble(value);
        if (lp == -1.0 && PyErr_Occurred())
            return -1;
        if (lattice_add(self, key, lp, F_WORD) < 0)
            return -1;
    }
    PyObject *it = PyObject_GetIter(prefixes);
    if (!it)
        return -1;
    while ((key = PyIter_Next(it))) {
        int failed = PyUnicode_Check(key) ? lattice_add(self, key, 0.0, F_PREFIX) : 0;
        Py_DECREF(key);
        if (failed < 0) { Py_DECREF(it); return -1; }
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}

typedef struct {
    Lattice *lattice;
    const Py_UCS4 *cp;
    uint64_t hash; /* of cp[k:j], extended one code point per call */
} LatticeLookup;

static int
lattice_lookup(void *ctx, Py_ssize_t k, Py_ssize_t j, double *lp)
{
    LatticeLookup *l = ctx;
    if (j == k + 1)
        l->hash = FNV_OFFSET;
    l->hash = (l->hash ^ (uint64_t)l->cp[j - 1]) * FNV_PRIME;
    Entry *e = lattice_find(l->lattice, l->hash, l->cp + k, j - k);
    int flags = e->len ? e->flags : 0;
    if (flags & F_WORD) {
        *lp = e->lp;
        return LOOK_WORD;
    }
    return (flags & F_PREFIX) ? LOOK_PREFIX : LOOK_NONE;
}

static PyObject *
lattice_score(Lattice *self, PyObject *args)
{
    PyObject *run;
    double unknown;
    if (!PyArg_ParseTuple(args, "Ud", &run, &unknown))
        return NULL;
    if (!self->table) {
        PyErr_SetString(PyExc_RuntimeError, "Lattice not built");
        return NULL;
    }
    Py_UCS4 *cp = PyUnicode_AsUCS4Copy(run);
    if (!cp)
        return NULL;
    LatticeLookup l = {self, cp, FNV_OFFSET};
    PyObject *result = segment_run(PyUnicode_GET_LENGTH(run), unknown, lattice_lookup, &l);
    PyMem_Free(cp);
    return result;
}

static PyObject *
lattice_len(Lattice *self, PyObject *unused)
{
    return PyLong_FromSsize_t(self->count);
}

static PyMethodDef lattice_methods[] = {
    {"score", (PyCFunction)lattice_score, METH_VARARGS, "score(run, unknown) -> (forward, backward, tokens)"},
    {"entries", (PyCFunction)lattice_len, METH_NOARGS, "how many distinct words and prefixes it holds"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject LatticeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "lexicon._segscore.Lattice",
    .tp_basicsize = sizeof(Lattice),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)lattice_init,
    .tp_dealloc = (destructor)lattice_dealloc,
    .tp_methods = lattice_methods,
    .tp_doc = "Lattice(logp, prefixes): the dictionary as a hash table over code points",
};

/* ---- examine: the character path of the general typo detector, for the examined positions of
 * a run (lexicon/typo_fills.py holds the Python definitions, examine_py and best_fills_py, which
 * this must equal bit for bit: the same words looked up in the same order, the same double
 * additions and comparisons, the same order of the answers). */

#define MASK_CHAR '*'   /* lexicon.typo_model.MASK */
#define MAX_WORD_LEN 4  /* lexicon.typo_model.MAX_WORD_LEN */

typedef struct {
    PyObject *fill; /* one character */
    PyObject *word;
    double value;
    Py_ssize_t a;
} Fill;

static int
list_doubles(PyObject *list, Py_ssize_t need, const char *name)
{
    if (!PyList_Check(list) || PyList_GET_SIZE(list) < need) {
        PyErr_Format(PyExc_TypeError, "%s must be a list of at least %zd floats", name, need);
        return -1;
    }
    for (Py_ssize_t k = 0; k < need; k++)
        if (!PyFloat_CheckExact(PyList_GET_ITEM(list, k))) {
            PyErr_Format(PyExc_TypeError, "%s must hold floats", name);
            return -1;
        }
    return 0;
}

static inline double
at(PyObject *list, Py_ssize_t k)
{
    return PyFloat_AS_DOUBLE(PyList_GET_ITEM(list, k));
}

/* run[a:b] with position i written ``ch`` (a word, or a key of completions when ``ch`` is the mask). */
static PyObject *
make_word(const Py_UCS4 *cp, Py_ssize_t a, Py_ssize_t i, Py_ssize_t b, Py_UCS4 ch)
{
    Py_UCS4 buf[MAX_WORD_LEN];
    for (Py_ssize_t k = a; k < b; k++)
        buf[k - a] = k == i ? ch : cp[k];
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, b - a);
}

static int
word_logp(PyObject *logp, PyObject *word, double *lp)
{
    PyObject *value = PyDict_GetItemWithError(logp, word);
    if (!value) {
        if (!PyErr_Occurred())
            PyErr_SetObject(PyExc_KeyError, word);
        return -1;
    }
    *lp = PyFloat_AsDouble(value);
    return (*lp == -1.0 && PyErr_Occurred()) ? -1 : 0;
}

/* The log-probability of the word run[a:b] with position i written ``ch``, from the lattice (the
 * same doubles as the dict it was built from): 0, or -1 with KeyError when it is no word. */
static int
lattice_word_logp(Lattice *lattice, const Py_UCS4 *cp, Py_ssize_t a, Py_ssize_t i, Py_ssize_t b, Py_UCS4 ch,
                  double *lp)
{
    Py_UCS4 buf[MAX_WORD_LEN];
    for (Py_ssize_t k = a; k < b; k++)
        buf[k - a] = k == i ? ch : cp[k];
    Entry *e = lattice_find(lattice, fnv(buf, b - a), buf, b - a);
    if (e->len && (e->flags & F_WORD)) {
        *lp = e->lp;
        return 0;
    }
    PyObject *word = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, b - a);
    if (word) {
        PyErr_SetObject(PyExc_KeyError, word);
        Py_DECREF(word);
    }
    return -1;
}

/* The log-probability of run[a:b] as a word, or ``missing``. */
static double
lattice_logp_or(Lattice *lattice, const Py_UCS4 *cp, Py_ssize_t a, Py_ssize_t b, double missing)
{
    Entry *e = lattice_find(lattice, fnv(cp + a, b - a), cp + a, b - a);
    return e->len && (e->flags & F_WORD) ? e->lp : missing;
}

/* The characters of a string as an open-addressing set of code points (0 marks an empty slot;
 * no candidate is U+0000), for membership tests in constant time. */
typedef struct {
    Py_UCS4 *slots;
    uint32_t mask;
} CharSet;

static int
charset_build(CharSet *set, PyObject *chars)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(chars);
    uint32_t size = 16;
    while (size < 2 * (uint64_t)len + 2)
        size <<= 1;
    set->slots = calloc(size, sizeof(Py_UCS4));
    set->mask = size - 1;
    if (!set->slots) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t k = 0; k < len; k++) {
        Py_UCS4 ch = PyUnicode_READ_CHAR(chars, k);
        uint32_t at = (ch * 2654435761u) & set->mask;
        while (set->slots[at] && set->slots[at] != ch)
            at = (at + 1) & set->mask;
        set->slots[at] = ch;
    }
    return 0;
}

static inline int
charset_has(const CharSet *set, Py_UCS4 ch)
{
    uint32_t at = (ch * 2654435761u) & set->mask;
    while (set->slots[at]) {
        if (set->slots[at] == ch)
            return 1;
        at = (at + 1) & set->mask;
    }
    return 0;
}

/* Appends (i, fill, value, a, word) to ``out`` for each fill of position i, as best_fills_py
 * answers them; 0, or -1 with an exception set. */
static int
fills_at(PyObject *run, const Py_UCS4 *cp, Py_ssize_t i, PyObject *likely, PyObject *forward,
         PyObject *backward, double least, PyObject *completions, Lattice *lattice, PyObject *word_cap,
         double *capcache, PyObject *out)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(run);
    Py_ssize_t lo = i - MAX_WORD_LEN + 1 > 0 ? i - MAX_WORD_LEN + 1 : 0;
    Py_ssize_t hi = i + MAX_WORD_LEN < n ? i + MAX_WORD_LEN : n;
    double caps[2 * MAX_WORD_LEN]; /* word_cap of run[lo:hi], -inf when absent */
    Fill *best = NULL;
    Py_ssize_t nbest = 0, best_cap = 0;
    int result = -1;
    CharSet likely_set = {NULL, 0}; /* built when first needed */
    for (Py_ssize_t k = lo; k < hi; k++) {
        if (isnan(capcache[k])) {
            PyObject *ch = PyUnicode_Substring(run, k, k + 1);
            if (!ch)
                goto done;
            PyObject *value = PyDict_GetItemWithError(word_cap, ch);
            Py_DECREF(ch);
            if (!value && PyErr_Occurred())
                goto done;
            double cap = value ? PyFloat_AsDouble(value) : -INFINITY;
            if (cap == -1.0 && PyErr_Occurred())
                goto done;
            capcache[k] = cap;
        }
        caps[k - lo] = capcache[k];
    }
    double left_cap = INFINITY; /* a word over [a, b) contains run[a:i] and run[i+1:b]: none is likelier */
    for (Py_ssize_t a = i; a >= lo; a--) {
        if (a < i && caps[a - lo] < left_cap)
            left_cap = caps[a - lo];
        double right_cap = left_cap;
        Py_ssize_t top = a + MAX_WORD_LEN < n ? a + MAX_WORD_LEN : n;
        for (Py_ssize_t b = i + 1; b <= top; b++) {
            if (b > i + 1 && caps[b - 1 - lo] < right_cap)
                right_cap = caps[b - 1 - lo];
            if (b - a < 2)
                continue;
            double outside = at(forward, a) + at(backward, b);
            if (outside + right_cap <= least)
                continue; /* not even the likeliest word with these characters would gain enough */
            if (i - a >= 2) {
                Entry *e = lattice_find(lattice, fnv(cp + a, i - a), cp + a, i - a);
                if (!(e->len && (e->flags & F_PREFIX)))
                    continue; /* no word starts with these characters, so none completes them */
            }
            PyObject *key = make_word(cp, a, i, b, MASK_CHAR);
            if (!key)
                goto done;
            PyObject *fills = PyDict_GetItemWithError(completions, key);
            Py_DECREF(key);
            if (!fills) {
                if (PyErr_Occurred())
                    goto done;
                continue;
            }
            if (!PyUnicode_Check(fills) || PyUnicode_GET_LENGTH(fills) == 0) {
                PyErr_SetString(PyExc_TypeError, "completions must map to non-empty strings");
                goto done;
            }
            Py_ssize_t nfills = PyUnicode_GET_LENGTH(fills);
            double lp;
            if (lattice_word_logp(lattice, cp, a, i, b, PyUnicode_READ_CHAR(fills, 0), &lp) < 0)
                goto done;
            if (outside + lp <= least)
                continue;
            if (!likely_set.slots && charset_build(&likely_set, likely) < 0)
                goto done;
            for (Py_ssize_t f = 0; f < nfills; f++) {
                Py_UCS4 fill = PyUnicode_READ_CHAR(fills, f);
                if (fill == 0 ? PyUnicode_FindChar(likely, fill, 0, PyUnicode_GET_LENGTH(likely), 1) < 0
                              : !charset_has(&likely_set, fill))
                    continue;
                if (lattice_word_logp(lattice, cp, a, i, b, fill, &lp) < 0)
                    goto done;
                double value = outside + lp;
                if (value <= least)
                    break; /* the fills come best word first */
                PyObject *word = make_word(cp, a, i, b, fill);
                if (!word)
                    goto done;
                Py_ssize_t s = 0;
                while (s < nbest && PyUnicode_READ_CHAR(best[s].fill, 0) != fill)
                    s++;
                if (s == nbest) {
                    if (nbest == best_cap) {
                        best_cap = best_cap ? 2 * best_cap : 8;
                        Fill *grown = realloc(best, sizeof(Fill) * best_cap);
                        if (!grown) { Py_DECREF(word); PyErr_NoMemory(); goto done; }
                        best = grown;
                    }
                    best[s].fill = PyUnicode_FromOrdinal(fill);
                    if (!best[s].fill) { Py_DECREF(word); goto done; }
                    best[s].word = NULL;
                    best[s].value = -INFINITY;
                    nbest++;
                }
                if (value > best[s].value) {
                    Py_XSETREF(best[s].word, word);
                    best[s].value = value;
                    best[s].a = a;
                } else {
                    Py_DECREF(word);
                }
            }
        }
    }
    for (Py_ssize_t s = 0; s < nbest; s++) {
        PyObject *item = Py_BuildValue("(nOdnO)", i, best[s].fill, best[s].value, best[s].a, best[s].word);
        if (!item || PyList_Append(out, item) < 0) {
            Py_XDECREF(item);
            goto done;
        }
        Py_DECREF(item);
    }
    result = 0;
done:
    for (Py_ssize_t s = 0; s < nbest; s++) {
        Py_XDECREF(best[s].fill);
        Py_XDECREF(best[s].word);
    }
    free(best);
    free(likely_set.slots);
    return result;
}

/* examine(run, tokens, forward, backward, floor, rare, frequent, unknown, lattice, candidates,
 * completions, word_cap) -> fills: the fills of every examined character of the weak tokens of the
 * best segmentation (one character, or two making a rare word) (lexicon/typo_fills.py: examine_py). */
static PyObject *
examine(PyObject *self, PyObject *args)
{
    PyObject *run, *tokens, *forward, *backward, *candidates, *completions, *word_cap;
    Lattice *lattice;
    double least, rare, frequent, unknown;
    if (!PyArg_ParseTuple(args, "UO!OOddddO!O!O!O!", &run, &PyList_Type, &tokens, &forward, &backward, &least,
                          &rare, &frequent, &unknown, &LatticeType, &lattice, &PyDict_Type, &candidates,
                          &PyDict_Type, &completions, &PyDict_Type, &word_cap))
        return NULL;
    if (!lattice->table) {
        PyErr_SetString(PyExc_RuntimeError, "Lattice not built");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(run), nt = PyList_GET_SIZE(tokens);
    if (list_doubles(forward, n + 1, "forward") < 0 || list_doubles(backward, n + 1, "backward") < 0)
        return NULL;
    Py_UCS4 *cp = PyUnicode_AsUCS4Copy(run);
    double *capcache = malloc(sizeof(double) * (n ? n : 1)); /* word_cap per position, NaN: not looked up */
    PyObject *fills = PyList_New(0), *result = NULL;
    if (!capcache) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n; k++)
        capcache[k] = NAN;
    if (!cp || !fills)
        goto done;
    for (Py_ssize_t t = 0; t < nt; t++) {
        Py_ssize_t a, b;
        PyObject *token = PyList_GET_ITEM(tokens, t);
        if (!PyArg_ParseTuple(token, "nn", &a, &b))
            goto done;
        if (a < 0 || b > n || b <= a) {
            PyErr_SetString(PyExc_ValueError, "a token outside the run");
            goto done;
        }
        int is_weak = b - a == 1 || (b - a == 2 && lattice_logp_or(lattice, cp, a, b, -INFINITY) < rare);
        if (!is_weak)
            continue;
        for (Py_ssize_t i = a; i < b; i++) {
            if (!(lattice_logp_or(lattice, cp, i, i + 1, unknown) < frequent))
                continue;
            PyObject *ch = PyUnicode_Substring(run, i, i + 1);
            if (!ch)
                goto done;
            PyObject *row = PyDict_GetItemWithError(candidates, ch);
            Py_DECREF(ch);
            if (!row) {
                if (PyErr_Occurred())
                    goto done;
                continue;
            }
            PyObject *likely = PyTuple_Check(row) && PyTuple_GET_SIZE(row) == 2 ? PyTuple_GET_ITEM(row, 0) : NULL;
            if (!likely || !PyUnicode_Check(likely)) {
                PyErr_SetString(PyExc_TypeError, "candidates must map to (str, bytes) pairs");
                goto done;
            }
            if (PyUnicode_GET_LENGTH(likely) == 0)
                continue;
            if (fills_at(run, cp, i, likely, forward, backward, least, completions, lattice, word_cap, capcache,
                         fills) < 0)
                goto done;
        }
    }
    result = Py_NewRef(fills);
done:
    Py_XDECREF(fills);
    PyMem_Free(cp);
    free(capcache);
    return result;
}

static PyMethodDef methods[] = {
    {"score_run", score_run, METH_VARARGS,
     "score_run(run, logp, prefixes, unknown) -> (forward, backward, tokens)"},
    {"examine", examine, METH_VARARGS,
     "examine(run, tokens, forward, backward, floor, rare, frequent, unknown, lattice, candidates, completions, "
     "word_cap) -> [(i, fill, value, a, word)]"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_segscore", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__segscore(void)
{
    if (PyType_Ready(&LatticeType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    Py_INCREF(&LatticeType);
    if (PyModule_AddObject(m, "Lattice", (PyObject *)&LatticeType) < 0) {
        Py_DECREF(&LatticeType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
