/* The candidate windows of the formulation near-miss matcher (lexicon/matchers.py), in C.
 *
 * near_windows(text, matches, table, starts, terms, exact) -> list of (term index, start, end, distance,
 * swaps): the windows that verify() accepts, not covered by an exact form, edges and exact occurrences
 * checked, each with what verify() returns but Levenshtein's edit list (swaps: the edits when read as
 * adjacent swaps and substitutions, else None; lexicon/matchers.py ``verdict``)
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

/* How many operations swap_edits (lexicon/matchers.py) takes to turn ``a`` into ``b[b0:b0 + len]``
 * (same length): adjacent swaps and substitutions, counted up to k + 1. */
static Py_ssize_t swap_ops(const Str *a, const Str *b, Py_ssize_t b0, Py_ssize_t k) {
    Py_ssize_t n = a->len, ops = 0, i = 0;
    while (i < n && ops <= k) {
        Py_UCS4 x = at(a, i), y = at(b, b0 + i);
        if (x == y) {
            i++;
        } else if (i + 1 < n && x == at(b, b0 + i + 1) && at(a, i + 1) == y && at(a, i + 1) != at(b, b0 + i + 1)) {
            ops++;
            i += 2;
        } else {
            ops++;
            i++;
        }
    }
    return ops;
}

/* _edges_match_kind: the window does not start or end on a non-letter where the term has a letter. */
static int edges_match_kind(const Str *term, const Str *text, Py_ssize_t start, Py_ssize_t end) {
    Py_UCS4 t0 = at(term, 0), t1 = at(term, term->len - 1), w0 = at(text, start), w1 = at(text, end - 1);
    return (Py_UNICODE_ISALNUM(w0) || !Py_UNICODE_ISALNUM(t0)) && (Py_UNICODE_ISALNUM(w1) || !Py_UNICODE_ISALNUM(t1));
}

/* _inside_exact: the window [start, end) only trims or extends an exact occurrence of the term. */
static int inside_exact(const Str *term, const Str *text, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t len = term->len;
    Py_ssize_t first = start - len + 1 > 0 ? start - len + 1 : 0;
    for (Py_ssize_t pos = first; pos < end && pos + len <= text->len; pos++) {
        Py_ssize_t i = 0;
        while (i < len && at(text, pos + i) == at(term, i)) i++;
        if (i == len) return 1;
    }
    return 0;
}

static PyTypeObject AutomatonType;
static int automaton_scan(PyObject *automaton, const Str *text, long **out, Py_ssize_t *n_out);

/* The edits swap_edits (lexicon/matchers.py) gives for ``a`` into ``b[b0:b0 + len]`` (same length, at
 * most k operations, which the caller has counted): a tuple of ("swap" | "replace", i, i). */
static PyObject *swap_tuple(const Str *a, const Str *b, Py_ssize_t b0) {
    PyObject *ops = PyList_New(0);
    if (!ops) return NULL;
    Py_ssize_t n = a->len, i = 0;
    while (i < n) {
        Py_UCS4 x = at(a, i), y = at(b, b0 + i);
        if (x == y) { i++; continue; }
        int swap = i + 1 < n && x == at(b, b0 + i + 1) && at(a, i + 1) == y && at(a, i + 1) != at(b, b0 + i + 1);
        PyObject *op = Py_BuildValue("(snn)", swap ? "swap" : "replace", i, i);
        if (!op || PyList_Append(ops, op) < 0) { Py_XDECREF(op); Py_DECREF(ops); return NULL; }
        Py_DECREF(op);
        i += swap ? 2 : 1;
    }
    PyObject *tuple = PyList_AsTuple(ops);
    Py_DECREF(ops);
    return tuple;
}

/* A window (term index, start, end, distance, swaps): swaps the edits read as adjacent swaps and
 * substitutions, or None when they are Levenshtein's (matchers.verdict). */
static int append_window(PyObject *out, long index, Py_ssize_t start, Py_ssize_t end, int distance, PyObject *swaps) {
    PyObject *row = Py_BuildValue("(lnniO)", index, start, end, distance, swaps ? swaps : Py_None);
    if (!row) return -1;
    int rc = PyList_Append(out, row);
    Py_DECREF(row);
    return rc;
}

static PyObject *near_windows(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text_obj, *matches, *terms;
    Py_buffer table = {0}, starts = {0}, exact = {0};
    if (!PyArg_ParseTuple(args, "OOy*y*O!y*", &text_obj, &matches, &table, &starts, &PyTuple_Type, &terms, &exact))
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
    Py_ssize_t n = text.len, n_matches = 0;
    const int32_t *spans = exact.buf;
    Py_ssize_t n_spans = exact.len / (Py_ssize_t)(2 * sizeof(int32_t)), longest = 0;
    for (Py_ssize_t i = 0; i < n_spans; i++) {
        if (spans[2 * i + 1] - spans[2 * i] > longest) longest = spans[2 * i + 1] - spans[2 * i];
        if (i && spans[2 * i] < spans[2 * i - 2]) {
            PyErr_SetString(PyExc_ValueError, "exact spans must be sorted by start");
            goto done;
        }
    }

    /* The matches, from a list or scanned here with an Automaton (no tuple per piece found);
       count the candidates to size the set. */
    long *parsed = NULL;
    size_t expected = 0;
    if (PyObject_TypeCheck(matches, &AutomatonType)) {
        if (automaton_scan(matches, &text, &parsed, &n_matches) < 0) goto done;
    } else if (PyList_Check(matches)) {
        n_matches = PyList_GET_SIZE(matches);
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
        }
    } else {
        PyErr_SetString(PyExc_TypeError, "matches: a list of (piece, start, end) or an Automaton");
        goto done;
    }
    for (Py_ssize_t m = 0; m < n_matches; m++) {
        long p = parsed[3 * m];
        if (p < 0 || p >= n_pieces || first[p] < 0 || first[p + 1] > n_rows || first[p] > first[p + 1]) {
            PyErr_SetString(PyExc_ValueError, "piece index out of the table");
            free(parsed);
            goto done;
        }
        if (parsed[3 * m + 1] < 0 || parsed[3 * m + 1] > parsed[3 * m + 2] || parsed[3 * m + 2] > n) {
            PyErr_SetString(PyExc_ValueError, "a match outside the text");
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
            if (index < 0 || index >= n_terms || offset < 0 || piece_len < 0 || k < 0 || k > 8) {
                PyErr_SetString(PyExc_ValueError, "a bad row in the table");
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
            if (length <= 2 * k) continue;  /* no window to judge (the matcher's terms are longer) */
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
                    int d = banded(&term, &text, start, end, cutoff, buf);
                    if (d > cutoff) continue;
                    if (n_spans && covered(spans, n_spans, longest, start, end, length)) continue;
                    /* verify() accepts k edits, or (same length) k swaps and substitutions; it reads
                       the window as swaps when they take fewer operations (matchers.verdict) */
                    Py_ssize_t swaps = size == length && d >= 2 ? swap_ops(&term, &text, start, k) : k + 1;
                    int as_swaps = swaps <= k && (swaps < d || d > k);
                    if (d > k && !as_swaps) continue;
                    if (!edges_match_kind(&term, &text, start, end) || inside_exact(&term, &text, start, end)) continue;
                    PyObject *ops = as_swaps ? swap_tuple(&term, &text, start) : NULL;
                    if (as_swaps && !ops) { Py_CLEAR(out); free(parsed); goto done; }
                    int rc = append_window(out, index, start, end, as_swaps ? (int)swaps : d, ops);
                    Py_XDECREF(ops);
                    if (rc < 0) { Py_CLEAR(out); free(parsed); goto done; }
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


/* ---------------------------------------------------------------------------------------------
 * Automaton(keys): Aho-Corasick over code points, compact so that it stays in cache beside the
 * typo detector's tables. matches(text) -> [(key index, start, end)], every (overlapping)
 * occurrence, by end, the longest first at the same end: the order of pyahocorasick's iter.
 * Children of a node are a sorted run of (char, node) pairs; the root's are an open-addressing
 * table (most characters of a text leave the scan at the root).
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    uint64_t *keys; /* (parent << 32 | char) + 1; 0: empty */
    int32_t *vals;
    size_t mask, used;
} EdgeMap;

static size_t edge_hash(uint64_t k) { return (size_t)((k * 0x9E3779B97F4A7C15ULL) >> 20); }

static int edgemap_init(EdgeMap *m, size_t cap) {
    m->keys = calloc(cap, sizeof(uint64_t));
    m->vals = malloc(cap * sizeof(int32_t));
    m->mask = cap - 1;
    m->used = 0;
    return m->keys && m->vals ? 0 : -1;
}

static int32_t edgemap_get(const EdgeMap *m, uint32_t parent, Py_UCS4 c) {
    uint64_t k = (((uint64_t)parent << 32) | c) + 1;
    size_t h = edge_hash(k) & m->mask;
    while (m->keys[h]) {
        if (m->keys[h] == k) return m->vals[h];
        h = (h + 1) & m->mask;
    }
    return -1;
}

static int edgemap_put(EdgeMap *m, uint32_t parent, Py_UCS4 c, int32_t v);

static int edgemap_grow(EdgeMap *m) {
    EdgeMap bigger;
    if (edgemap_init(&bigger, (m->mask + 1) * 2) < 0) { free(bigger.keys); free(bigger.vals); return -1; }
    for (size_t i = 0; i <= m->mask; i++) {
        if (!m->keys[i]) continue;
        uint64_t k = m->keys[i] - 1;
        edgemap_put(&bigger, (uint32_t)(k >> 32), (Py_UCS4)(k & 0xFFFFFFFFu), m->vals[i]);
    }
    free(m->keys); free(m->vals);
    *m = bigger;
    return 0;
}

static int edgemap_put(EdgeMap *m, uint32_t parent, Py_UCS4 c, int32_t v) {
    if ((m->used + 1) * 2 > m->mask + 1 && edgemap_grow(m) < 0) return -1;
    uint64_t k = (((uint64_t)parent << 32) | c) + 1;
    size_t h = edge_hash(k) & m->mask;
    while (m->keys[h] && m->keys[h] != k) h = (h + 1) & m->mask;
    if (!m->keys[h]) m->used++;
    m->keys[h] = k;
    m->vals[h] = v;
    return 0;
}

typedef struct {
    PyObject_HEAD
    Py_ssize_t n_nodes, n_keys;
    int32_t *first;      /* children of node v: edge rows first[v] .. first[v + 1] - 1 */
    Py_UCS4 *edge_char;  /* sorted within each node */
    int32_t *edge_node;
    int32_t *fail, *out, *dict; /* out: key index ending here or -1; dict: next node with a key on the fail chain, or 0 */
    int32_t *key_len;
    unsigned char *root_bits; /* which code points below 0x10000 the root has a child for */
    Py_UCS4 *root_char;  /* the root's children, open addressing; root_node 0 = empty */
    int32_t *root_node;
    size_t root_mask;
} Automaton;

static void automaton_dealloc(Automaton *a) {
    free(a->first); free(a->edge_char); free(a->edge_node); free(a->fail); free(a->out); free(a->dict);
    free(a->key_len); free(a->root_char); free(a->root_node); free(a->root_bits);
    Py_TYPE(a)->tp_free((PyObject *)a);
}

static inline int32_t root_child(const Automaton *a, Py_UCS4 c) {
    size_t h = ((size_t)c * 2654435761u) & a->root_mask;
    while (a->root_node[h]) {
        if (a->root_char[h] == c) return a->root_node[h];
        h = (h + 1) & a->root_mask;
    }
    return 0;
}

static inline int32_t child(const Automaton *a, int32_t v, Py_UCS4 c) {
    int32_t lo = a->first[v], hi = a->first[v + 1];
    while (hi - lo > 4) {
        int32_t mid = (lo + hi) / 2;
        if (a->edge_char[mid] < c) lo = mid + 1; else hi = mid + 1;
    }
    for (; lo < hi; lo++)
        if (a->edge_char[lo] == c) return a->edge_node[lo];
    return -1;
}

typedef struct { uint32_t parent; Py_UCS4 c; int32_t node; } Edge;

static int edge_order(const void *x, const void *y) {
    const Edge *a = x, *b = y;
    if (a->parent != b->parent) return a->parent < b->parent ? -1 : 1;
    return a->c < b->c ? -1 : a->c > b->c;
}

static int automaton_init(Automaton *a, PyObject *args, PyObject *kwds) {
    PyObject *keys_arg;
    static char *names[] = {"keys", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O", names, &keys_arg)) return -1;
    if (a->first) { PyErr_SetString(PyExc_RuntimeError, "an Automaton is built once"); return -1; }
    PyObject *keys = PySequence_Fast(keys_arg, "keys must be a sequence of str");
    if (!keys) return -1;
    Py_ssize_t n_keys = PySequence_Fast_GET_SIZE(keys);
    size_t cap_nodes = 1;
    for (Py_ssize_t i = 0; i < n_keys; i++) {
        PyObject *k = PySequence_Fast_GET_ITEM(keys, i);
        if (!PyUnicode_Check(k)) { PyErr_SetString(PyExc_TypeError, "keys must be str"); Py_DECREF(keys); return -1; }
        cap_nodes += (size_t)PyUnicode_GET_LENGTH(k);
    }
    if (cap_nodes > 0x7FFFFFF0) { PyErr_SetString(PyExc_ValueError, "too many characters"); Py_DECREF(keys); return -1; }
    int rc = -1;
    EdgeMap edges = {0};
    Edge *list = NULL;
    int32_t *queue = NULL;
    int32_t *out = malloc(cap_nodes * sizeof(int32_t));
    int32_t *key_len = malloc(((size_t)n_keys + 1) * sizeof(int32_t));
    size_t cap = 64;
    while (cap < cap_nodes * 2) cap <<= 1;
    if (!out || !key_len || edgemap_init(&edges, cap) < 0) { PyErr_NoMemory(); goto fail; }
    out[0] = -1;
    int32_t n_nodes = 1;
    for (Py_ssize_t i = 0; i < n_keys; i++) {
        Str k;
        if (str_of(PySequence_Fast_GET_ITEM(keys, i), &k) < 0) goto fail;
        key_len[i] = (int32_t)k.len;
        if (!k.len) continue;  /* an empty key matches nothing */
        int32_t v = 0;
        for (Py_ssize_t j = 0; j < k.len; j++) {
            Py_UCS4 c = at(&k, j);
            int32_t next = edgemap_get(&edges, (uint32_t)v, c);
            if (next < 0) {
                next = n_nodes++;
                out[next] = -1;
                if (edgemap_put(&edges, (uint32_t)v, c, next) < 0) { PyErr_NoMemory(); goto fail; }
            }
            v = next;
        }
        if (out[v] < 0) out[v] = (int32_t)i;  /* a repeated key: the first index */
    }
    /* Children as sorted runs. */
    Py_ssize_t n_edges = n_nodes - 1;
    list = malloc(((size_t)n_edges + 1) * sizeof(Edge));
    a->first = calloc((size_t)n_nodes + 1, sizeof(int32_t));
    a->edge_char = malloc(((size_t)n_edges + 1) * sizeof(Py_UCS4));
    a->edge_node = malloc(((size_t)n_edges + 1) * sizeof(int32_t));
    a->fail = calloc((size_t)n_nodes, sizeof(int32_t));
    a->dict = calloc((size_t)n_nodes, sizeof(int32_t));
    queue = malloc((size_t)n_nodes * sizeof(int32_t));
    if (!list || !a->first || !a->edge_char || !a->edge_node || !a->fail || !a->dict || !queue) { PyErr_NoMemory(); goto fail; }
    Py_ssize_t e = 0;
    for (size_t h = 0; h <= edges.mask; h++) {
        if (!edges.keys[h]) continue;
        uint64_t k = edges.keys[h] - 1;
        list[e].parent = (uint32_t)(k >> 32);
        list[e].c = (Py_UCS4)(k & 0xFFFFFFFFu);
        list[e].node = edges.vals[h];
        e++;
    }
    qsort(list, (size_t)n_edges, sizeof(Edge), edge_order);
    for (Py_ssize_t i = 0; i < n_edges; i++) {
        a->edge_char[i] = list[i].c;
        a->edge_node[i] = list[i].node;
        a->first[list[i].parent + 1]++;
    }
    for (int32_t v = 0; v < n_nodes; v++) a->first[v + 1] += a->first[v];
    /* The root's children in a table. */
    int32_t n_root = a->first[1] - a->first[0];
    size_t root_cap = 16;
    while (root_cap < (size_t)n_root * 2) root_cap <<= 1;
    a->root_char = calloc(root_cap, sizeof(Py_UCS4));
    a->root_node = calloc(root_cap, sizeof(int32_t));
    a->root_bits = calloc(8192, 1);
    if (!a->root_char || !a->root_node || !a->root_bits) { PyErr_NoMemory(); goto fail; }
    a->root_mask = root_cap - 1;
    for (int32_t r = a->first[0]; r < a->first[1]; r++) {
        size_t h = ((size_t)a->edge_char[r] * 2654435761u) & a->root_mask;
        while (a->root_node[h]) h = (h + 1) & a->root_mask;
        a->root_char[h] = a->edge_char[r];
        a->root_node[h] = a->edge_node[r];
        if (a->edge_char[r] < 0x10000) a->root_bits[a->edge_char[r] >> 3] |= (unsigned char)(1 << (a->edge_char[r] & 7));
    }
    /* Failure and dictionary links, breadth first. */
    Py_ssize_t head = 0, tail = 0;
    for (int32_t r = a->first[0]; r < a->first[1]; r++) {
        a->fail[a->edge_node[r]] = 0;
        a->dict[a->edge_node[r]] = 0;
        queue[tail++] = a->edge_node[r];
    }
    a->out = out;
    while (head < tail) {
        int32_t u = queue[head++];
        for (int32_t r = a->first[u]; r < a->first[u + 1]; r++) {
            Py_UCS4 c = a->edge_char[r];
            int32_t v = a->edge_node[r], f = a->fail[u], to;
            for (;;) {
                to = f ? child(a, f, c) : root_child(a, c);
                if (to >= 0 && (f || to)) break;
                if (!f) { to = 0; break; }
                f = a->fail[f];
            }
            a->fail[v] = to;
            a->dict[v] = out[to] >= 0 ? to : a->dict[to];
            queue[tail++] = v;
        }
    }
    a->n_nodes = n_nodes;
    a->n_keys = n_keys;
    a->key_len = key_len;
    key_len = NULL;
    out = NULL;
    rc = 0;
fail:
    if (rc < 0 && a->out == out) a->out = NULL;
    free(out);
    free(key_len);
    free(edges.keys);
    free(edges.vals);
    free(list);
    free(queue);
    Py_DECREF(keys);
    return rc;
}

static int automaton_scan(PyObject *self, const Str *text, long **out, Py_ssize_t *n_out);

static PyObject *automaton_matches(Automaton *a, PyObject *arg) {
    Str text;
    if (str_of(arg, &text) < 0) return NULL;
    long *found;
    Py_ssize_t n;
    if (automaton_scan((PyObject *)a, &text, &found, &n) < 0) return NULL;
    PyObject *result = PyList_New(n);
    for (Py_ssize_t m = 0; result && m < n; m++) {
        PyObject *row = Py_BuildValue("(lll)", found[3 * m], found[3 * m + 1], found[3 * m + 2]);
        if (!row) { Py_CLEAR(result); break; }
        PyList_SET_ITEM(result, m, row);
    }
    free(found);
    return result;
}

/* One character read at state v: the next state (the root's children looked up only for the
 * characters it has, by the bitmap below 0x10000). */
static inline int32_t step(const Automaton *a, int32_t v, Py_UCS4 c) {
    for (;;) {
        if (!v) {
            if (c < 0x10000 && !((a->root_bits[c >> 3] >> (c & 7)) & 1)) return 0;
            return root_child(a, c);
        }
        int32_t to = child(a, v, c);
        if (to >= 0) return to;
        v = a->fail[v];
    }
}

typedef struct { long *buf; Py_ssize_t n, cap; } Found;

static int found_add(Found *f, int32_t key, Py_ssize_t start, Py_ssize_t end) {
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 256;
        long *grown = realloc(f->buf, sizeof(long) * 3 * (size_t)f->cap);
        if (!grown) { PyErr_NoMemory(); return -1; }
        f->buf = grown;
    }
    f->buf[3 * f->n] = key;
    f->buf[3 * f->n + 1] = (long)start;
    f->buf[3 * f->n + 2] = (long)end;
    f->n++;
    return 0;
}

/* The scan over one width of string; at the root, characters without a child are skipped fast. */
#define SCAN_LOOP(TYPE)                                                                          \
    {                                                                                            \
        const TYPE *d = (const TYPE *)text->data;                                                \
        Py_ssize_t len = text->len;                                                              \
        for (Py_ssize_t i = 0; i < len; i++) {                                                   \
            Py_UCS4 c = d[i];                                                                    \
            if (!v) {                                                                            \
                if (c < 0x10000 && !((a->root_bits[c >> 3] >> (c & 7)) & 1)) continue;           \
                v = root_child(a, c);                                                            \
            } else {                                                                             \
                v = step(a, v, c);                                                               \
            }                                                                                    \
            for (int32_t w = a->out[v] >= 0 ? v : a->dict[v]; w; w = a->dict[w]) {               \
                int32_t key = a->out[w];                                                         \
                if (found_add(&f, key, i + 1 - a->key_len[key], i + 1) < 0) { free(f.buf); return -1; } \
            }                                                                                    \
        }                                                                                        \
    }

/* The matches of ``text`` as (key, start, end) triples in a malloc'd array (*out, NULL when none). */
static int automaton_scan(PyObject *self, const Str *text, long **out, Py_ssize_t *n_out) {
    const Automaton *a = (const Automaton *)self;
    Found f = {NULL, 0, 0};
    *out = NULL;
    *n_out = 0;
    if (!a->first) return 0;
    int32_t v = 0;
    switch (text->kind) {
    case PyUnicode_1BYTE_KIND: SCAN_LOOP(Py_UCS1) break;
    case PyUnicode_2BYTE_KIND: SCAN_LOOP(Py_UCS2) break;
    default: SCAN_LOOP(Py_UCS4) break;
    }
    *out = f.buf;
    *n_out = f.n;
    return 0;
}

static PyMethodDef automaton_methods[] = {
    {"matches", (PyCFunction)automaton_matches, METH_O,
     "matches(text) -> [(key index, start, end)]: every occurrence, by end, the longest first."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject AutomatonType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "lexicon._nearscan.Automaton",
    .tp_basicsize = sizeof(Automaton),
    .tp_dealloc = (destructor)automaton_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Aho-Corasick automaton over code points: Automaton(keys).matches(text).",
    .tp_methods = automaton_methods,
    .tp_init = (initproc)automaton_init,
    .tp_new = PyType_GenericNew,
};

/* member_runs(text, bitmap) -> [(start, end)] or None: the maximal runs of ``text`` whose characters
 * belong to a set, ``bitmap`` (8,192 bytes) holding its code points below 0x10000, bit c & 7 of byte
 * c >> 3. The same as re.finditer("[set]+", text); None for a text with a character above 0xFFFF,
 * which the caller scans with the pattern itself (lexicon/normalize.py). */
static PyObject *member_runs(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text_obj;
    Py_buffer bitmap = {0};
    if (!PyArg_ParseTuple(args, "Oy*", &text_obj, &bitmap)) return NULL;
    PyObject *out = NULL;
    Str text;
    if (str_of(text_obj, &text) < 0) goto done;
    if (bitmap.len != 8192) { PyErr_SetString(PyExc_ValueError, "the bitmap is 8,192 bytes"); goto done; }
    if (text.kind == PyUnicode_4BYTE_KIND) { out = Py_None; Py_INCREF(out); goto done; }
    const unsigned char *bits = bitmap.buf;
    out = PyList_New(0);
    if (!out) goto done;
    Py_ssize_t start = -1;
    for (Py_ssize_t i = 0; i <= text.len; i++) {
        int member = 0;
        if (i < text.len) {
            Py_UCS4 c = at(&text, i);
            member = (bits[c >> 3] >> (c & 7)) & 1;
        }
        if (member && start < 0) {
            start = i;
        } else if (!member && start >= 0) {
            PyObject *row = Py_BuildValue("(nn)", start, i);
            if (!row || PyList_Append(out, row) < 0) { Py_XDECREF(row); Py_CLEAR(out); goto done; }
            Py_DECREF(row);
            start = -1;
        }
    }
done:
    PyBuffer_Release(&bitmap);
    return out;
}

static PyMethodDef methods[] = {
    {"member_runs", member_runs, METH_VARARGS,
     "member_runs(text, bitmap) -> [(start, end)] or None: the maximal runs of characters of a set."},
    {"near_windows", near_windows, METH_VARARGS,
     "near_windows(text, matches, table, starts, terms, exact) -> [(term index, start, end, distance, swaps)]: the windows within "
     "the distance cutoffs of the near-miss matcher (lexicon.matchers.near_windows_py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_nearscan", NULL, -1, methods};

PyMODINIT_FUNC PyInit__nearscan(void) {
    if (PyType_Ready(&AutomatonType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&AutomatonType);
    if (PyModule_AddObject(m, "Automaton", (PyObject *)&AutomatonType) < 0) {
        Py_DECREF(&AutomatonType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
