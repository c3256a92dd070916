/* Compiled kernel of samskab.analysis.hashing: word hashes, slot collapsing, shingles and
 * one-permutation MinHash over texts already normalised to one byte per character (see
 * hashing.encode_texts). It computes exactly what the numpy functions of that module compute
 * (tests compare the two on varied texts), text by text, without the GIL, so that threads of
 * one process share the work.
 *
 * Only the CPython limited buffer protocol is used: inputs are any objects that expose a
 * contiguous buffer (bytes, numpy arrays); outputs are written into writable buffers the
 * caller allocated with the right size.
 *
 * This Source Code Form is subject to the terms of the Mozilla Public License, v. 2.0. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SP 0x20u

static const uint64_t P = 0x100000001B3ULL | 1ULL;
static const uint64_t C1 = 0xFF51AFD7ED558CCDULL;
static const uint64_t C2 = 0xC4CEB9FE1A85EC53ULL;
static const uint64_t M1 = 0x9E3779B97F4A7C15ULL;
static const uint64_t M2 = 0xBF58476D1CE4E5B9ULL;
static const uint64_t M3 = 0x94D049BB133111EBULL;
static const uint64_t SALT_SHORT = 0x27BB2EE687B0B0FDULL;

static inline uint64_t fmix64(uint64_t x) {
    x ^= x >> 33;
    x *= C1;
    x ^= x >> 33;
    x *= C2;
    x ^= x >> 33;
    return x;
}

/* ---- an exact hash map of uint64 keys to uint64 values (linear probing) ---------------- */

/* Each slot holds a key and its value side by side, so a probe touches one cache line; a
 * slot holding EMPTY is free (a real key equal to EMPTY is kept aside). */
#define EMPTY 0x5A17E5A17E5A17E5ULL

#define FILTER_BITS 16 /* a bit per 2**-16 of the key space: 8 KB, which stays in L1 */

typedef struct {
    uint64_t filter[(1 << FILTER_BITS) / 64]; /* the top bits of every key's hash */
    uint64_t *slots; /* key, value, key, value, ... */
    uint64_t mask;
    int shift;
    Py_ssize_t size;
    int has_empty_key;
    uint64_t empty_key_value;
} Map;

static int map_init(Map *m, const uint64_t *keys, const uint64_t *values, Py_ssize_t n) {
    uint64_t cap = 16;
    int bits = 4;
    /* at most two thirds full: a slot table small enough to stay in the cache, where a probe
     * costs less than the extra slots it sometimes looks at */
    while (cap < (uint64_t)n + (uint64_t)n / 2 + 1) {
        cap <<= 1;
        bits++;
    }
    memset(m, 0, sizeof(*m));
    m->slots = (uint64_t *)malloc(cap * 2 * sizeof(uint64_t));
    if (!m->slots) return -1;
    for (uint64_t i = 0; i < cap; i++) m->slots[2 * i] = EMPTY;
    m->mask = cap - 1;
    m->shift = 64 - bits;
    m->size = n;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t k = keys[i], v = values ? values[i] : 0;
        if (k == EMPTY) {
            m->has_empty_key = 1;
            m->empty_key_value = v;
            continue;
        }
        uint64_t mixed = k * M1, f = mixed >> (64 - FILTER_BITS);
        m->filter[f >> 6] |= 1ULL << (f & 63);
        uint64_t at = mixed >> m->shift;
        while (m->slots[2 * at] != EMPTY && m->slots[2 * at] != k) at = (at + 1) & m->mask;
        m->slots[2 * at] = k;
        m->slots[2 * at + 1] = v;
    }
    return 0;
}

static void map_free(Map *m) {
    free(m->slots);
    m->slots = NULL;
}

/* 0 when ``k`` is surely not a key (its filter bit is clear), else 1: about one key in
 * 2**FILTER_BITS / size answers 1 without being a key */
static inline int map_maybe(const Map *m, uint64_t k) {
    if (m->size == 0) return 0;
    if (k == EMPTY) return m->has_empty_key;
    uint64_t f = (k * M1) >> (64 - FILTER_BITS);
    return (int)(m->filter[f >> 6] >> (f & 63) & 1);
}

/* 1 and the value when ``k`` is a key, else 0 */
static inline int map_get(const Map *m, uint64_t k, uint64_t *value) {
    if (m->size == 0) return 0;
    if (k == EMPTY) {
        if (m->has_empty_key && value) *value = m->empty_key_value;
        return m->has_empty_key;
    }
    uint64_t mixed = k * M1, f = mixed >> (64 - FILTER_BITS);
    if (!(m->filter[f >> 6] >> (f & 63) & 1)) return 0; /* the usual miss: no table access */
    uint64_t at = mixed >> m->shift;
    for (;;) {
        uint64_t key = m->slots[2 * at];
        if (key == k) {
            if (value) *value = m->slots[2 * at + 1];
            return 1;
        }
        if (key == EMPTY) return 0;
        at = (at + 1) & m->mask;
    }
}

typedef struct {
    Map left_contexts, left_pairs, right_contexts, right_pairs;
} Pass;

/* ---- one text ----------------------------------------------------------------------- */

typedef struct {  /* scratch space, grown as needed, one per call */
    uint64_t *h, *out, *pk;
    uint8_t *done, *only;
    Py_ssize_t token_cap;
} Scratch;

static int scratch_tokens(Scratch *s, Py_ssize_t n) {
    if (n <= s->token_cap) return 0;
    free(s->h);
    free(s->out);
    free(s->pk);
    free(s->done);
    free(s->only);
    s->token_cap = n * 2 + 64;
    s->h = (uint64_t *)malloc(s->token_cap * sizeof(uint64_t));
    s->out = (uint64_t *)malloc(s->token_cap * sizeof(uint64_t));
    s->pk = (uint64_t *)malloc(s->token_cap * sizeof(uint64_t));
    s->done = (uint8_t *)malloc(s->token_cap);
    s->only = (uint8_t *)malloc(s->token_cap);
    return (s->h && s->out && s->pk && s->done && s->only) ? 0 : -1;
}

static void scratch_free(Scratch *s) {
    free(s->h);
    free(s->out);
    free(s->pk);
    free(s->done);
    free(s->only);
    memset(s, 0, sizeof(*s));
}

static inline int is_pair(const uint8_t *b, Py_ssize_t i, Py_ssize_t n) {
    /* "ae", "aa" or "oe" starts at i */
    if (i < 0 || i + 1 >= n) return 0;
    uint8_t a = b[i], c = b[i + 1];
    return (a == 'a' && (c == 'e' || c == 'a')) || (a == 'o' && c == 'e');
}

/* The word hashes of one text (hashing.encoded_token_hashes); returns the word count.
 * Digraphs are folded on the way (hashing._fold_digraphs): ae→æ, oe→ø, aa→å, a pair folding
 * unless a pair starts just before it in the original bytes ("aae" folds the first pair
 * only). A pair never holds a space, so words are found in the original bytes. */
static Py_ssize_t word_hashes(const uint8_t *b, Py_ssize_t n, uint64_t *h) {
    Py_ssize_t t = 0, i = 0;
    while (i < n) {
        while (i < n && b[i] == SP) i++;
        if (i >= n) break;
        uint64_t acc = 0, pw = 1;
        while (i < n && b[i] != SP) {
            uint64_t c = b[i];
            if ((c == 'a' || c == 'o') && is_pair(b, i, n) && !is_pair(b, i - 1, n)) {
                c = b[i + 1] == 'a' ? 0xE5 : (c == 'a' ? 0xE6 : 0xF8);
                i += 2;
            } else {
                i++;
            }
            acc += c * pw;
            pw *= P;
        }
        h[t++] = fmix64(acc);
    }
    return t;
}

/* One slot pass (hashing._apply_pass) over a text's words h[0:t], in place. A position is
 * replaced at most once per pass and its own old value is read before that, while the
 * contexts come from pk, taken before the pass: so the pass can write into h directly. In a
 * later pass (not ``first``) only positions marked in only[] are looked at. Afterwards only[]
 * marks the positions within two words of a replaced one. Returns whether any was. */
static int one_pass(uint64_t *h, uint64_t *pk, uint8_t *done, uint8_t *only, Py_ssize_t t,
                    const Pass *ps, int first) {
    if (t < 3) {  /* no word has a two-word context in its own text */
        memset(only, 0, t);
        return 0;
    }
    Py_ssize_t lo = 0, hi = t;
    if (!first) {
        while (lo < t && !only[lo]) lo++;
        if (lo == t) return 0;  /* only[] is all zero already */
        while (!only[hi - 1]) hi--;
    }
    Py_ssize_t pa = lo >= 2 ? lo - 2 : 0, pb = hi + 1 < t ? hi + 1 : t - 1;
    for (Py_ssize_t i = pa; i < pb; i++) pk[i] = h[i] * M1 ^ h[i + 1];
    memset(done + lo, 0, hi - lo);
    int any = 0;
    uint64_t value;
    /* left contexts (the two words before): positions 2..t-1 */
    for (Py_ssize_t i = lo > 2 ? lo : 2; i < hi; i++) {
        if (!first && !only[i]) continue;
        /* the context's filter is enough: a pair is keyed by its context, so a context that
         * only passed the filter finds no pair */
        if (!map_maybe(&ps->left_contexts, pk[i - 2])) continue;
        if (map_get(&ps->left_pairs, fmix64(pk[i - 2] ^ (h[i] * M3)), &value)) {
            h[i] = value;
            done[i] = 1;
            any = 1;
        }
    }
    /* right contexts (the two words after): positions 0..t-3, not already replaced */
    Py_ssize_t end = hi < t - 2 ? hi : t - 2;
    for (Py_ssize_t i = lo; i < end; i++) {
        if (done[i] || (!first && !only[i])) continue;
        if (!map_maybe(&ps->right_contexts, pk[i + 1])) continue;
        if (map_get(&ps->right_pairs, fmix64(pk[i + 1] ^ (h[i] * M3)), &value)) {
            h[i] = value;
            done[i] = 1;
            any = 1;
        }
    }
    memset(only, 0, t);
    if (!any) return 0;
    for (Py_ssize_t i = lo; i < hi; i++) {
        if (!done[i]) continue;
        Py_ssize_t a = i >= 2 ? i - 2 : 0, b = i + 3 < t ? i + 3 : t;
        memset(only + a, 1, b - a);
    }
    return 1;
}

/* the slot passes (hashing.collapse_slots), in place on h[0:t]; a text in which a pass
 * replaces nothing is done (later passes would look at nothing) */
static void collapse(Scratch *s, Py_ssize_t t, const Pass *passes, Py_ssize_t n_passes) {
    for (Py_ssize_t p = 0; p < n_passes; p++)
        if (!one_pass(s->h, s->pk, s->done, s->only, t, &passes[p], p == 0)) return;
}

/* shingles and the one-permutation MinHash of one text (hashing.shingle_hashes and
 * hashing.oph_signatures without densification) */
static void minhash(const uint64_t *h, Py_ssize_t t, uint32_t *sig, Py_ssize_t bins, int bits) {
    for (Py_ssize_t k = 0; k < bins; k++) sig[k] = 0xFFFFFFFFu;
    if (t == 0) return;
    if (t < 3) {
        uint64_t acc = 0;
        for (Py_ssize_t i = 0; i < t; i++) acc = acc * M1 + h[i];
        uint64_t sh = fmix64(acc ^ SALT_SHORT);
        uint32_t val = (uint32_t)((sh >> 16) & 0xFFFFFFFEULL);
        sig[sh >> (64 - bits)] = val;
        return;
    }
    for (Py_ssize_t i = 0; i + 2 < t; i++) {
        uint64_t mix = h[i] * M1;
        mix = (mix ^ (mix >> 29)) + h[i + 1] * M2;
        mix = (mix ^ (mix >> 29)) + h[i + 2] * M3;
        uint64_t sh = fmix64(mix);
        uint32_t val = (uint32_t)((sh >> 16) & 0xFFFFFFFEULL);
        Py_ssize_t at = (Py_ssize_t)(sh >> (64 - bits));
        if (val < sig[at]) sig[at] = val;
    }
}

/* ---- argument handling -------------------------------------------------------------- */

static int get_buffer(PyObject *obj, Py_buffer *view, Py_ssize_t item, int writable,
                      const char *what) {
    if (PyObject_GetBuffer(obj, view, (writable ? PyBUF_WRITABLE : 0) | PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    if (view->len % item != 0) {
        PyErr_Format(PyExc_ValueError, "%s: a buffer of %zd-byte items expected", what, item);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* the indexes of the set flags, as a list of int (NULL with an exception on failure) */
static PyObject *flagged(const uint8_t *flags, Py_ssize_t n) {
    PyObject *result = PyList_New(0);
    for (Py_ssize_t d = 0; result && d < n; d++) {
        if (!flags[d]) continue;
        PyObject *k = PyLong_FromSsize_t(d);
        if (!k || PyList_Append(result, k) < 0) Py_CLEAR(result);
        Py_XDECREF(k);
    }
    return result;
}

static void free_passes(Pass *passes, Py_ssize_t n) {
    if (!passes) return;
    for (Py_ssize_t p = 0; p < n; p++) {
        map_free(&passes[p].left_contexts);
        map_free(&passes[p].left_pairs);
        map_free(&passes[p].right_contexts);
        map_free(&passes[p].right_pairs);
    }
    free(passes);
}

/* passes: a sequence of (left contexts, left pairs, left canonical, right contexts, right
 * pairs, right canonical), each a buffer of uint64 */
static Pass *read_passes(PyObject *seq, Py_ssize_t *n_out) {
    PyObject *fast = PySequence_Fast(seq, "slot passes must be a sequence");
    if (!fast) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    Pass *passes = (Pass *)calloc(n > 0 ? n : 1, sizeof(Pass));
    if (!passes) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t p = 0; p < n; p++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, p);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 6) {
            PyErr_SetString(PyExc_TypeError, "a slot pass is a tuple of six uint64 buffers");
            free_passes(passes, n);
            Py_DECREF(fast);
            return NULL;
        }
        Py_buffer v[6];
        int got = 0;
        for (; got < 6; got++)
            if (get_buffer(PyTuple_GET_ITEM(item, got), &v[got], 8, 0, "slot table") < 0) break;
        int bad = got < 6;
        if (!bad && (v[1].len != v[2].len || v[4].len != v[5].len)) {
            PyErr_SetString(PyExc_ValueError, "slot pairs and canonical words differ in length");
            bad = 1;
        }
        if (!bad) {
            Pass *ps = &passes[p];
            if (map_init(&ps->left_contexts, v[0].buf, NULL, v[0].len / 8) < 0 ||
                map_init(&ps->left_pairs, v[1].buf, v[2].buf, v[1].len / 8) < 0 ||
                map_init(&ps->right_contexts, v[3].buf, NULL, v[3].len / 8) < 0 ||
                map_init(&ps->right_pairs, v[4].buf, v[5].buf, v[4].len / 8) < 0) {
                PyErr_NoMemory();
                bad = 1;
            }
        }
        for (int k = 0; k < got; k++) PyBuffer_Release(&v[k]);
        if (bad) {
            free_passes(passes, n);
            Py_DECREF(fast);
            return NULL;
        }
    }
    Py_DECREF(fast);
    *n_out = n;
    return passes;
}

static int check_starts(const int64_t *starts, Py_ssize_t n_docs, Py_ssize_t len) {
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        int64_t a = starts[d], b = d + 1 < n_docs ? starts[d + 1] : (int64_t)len;
        if (a < 0 || a > b || b > (int64_t)len) {
            PyErr_SetString(PyExc_ValueError, "text starts must rise within the data");
            return -1;
        }
    }
    return 0;
}

/* the bins per text (a power of two, at least 2) of ``sig`` for ``n_docs`` texts, and its
 * log2 in ``*bits``; -1 with a ValueError when ``sig`` or ``words`` do not fit the texts */
static Py_ssize_t sig_shape(const Py_buffer *sig, const Py_buffer *words, Py_ssize_t n_docs,
                            int *bits) {
    Py_ssize_t bins = n_docs ? (sig->len / 4) / n_docs : 0;
    *bits = 0;
    while (((Py_ssize_t)1 << *bits) < bins) (*bits)++;
    if (words->len / 8 != n_docs || (n_docs && (bins * n_docs * 4 != sig->len ||
                                                ((Py_ssize_t)1 << *bits) != bins || *bits < 1))) {
        PyErr_SetString(PyExc_ValueError, "sig must hold a power of two of bins per text and "
                                          "words one count per text");
        return -1;
    }
    return bins;
}

/* one text's normalised bytes to its MinHash row and word count; -1 when out of memory */
static int hash_text(Scratch *s, const uint8_t *bytes, Py_ssize_t n, const Pass *passes,
                     Py_ssize_t n_passes, uint32_t *sig_row, Py_ssize_t bins, int bits,
                     int64_t *words) {
    if (scratch_tokens(s, n / 2 + 2) < 0) return -1;
    Py_ssize_t t = word_hashes(bytes, n, s->h);
    collapse(s, t, passes, n_passes);
    minhash(s->h, t, sig_row, bins, bits);
    *words = t;
    return 0;
}

PyDoc_STRVAR(signatures_doc,
"signatures(data, starts, passes, sig, words)\n\n"
"MinHash signatures of the texts in ``data`` (normalised bytes, text d from starts[d] to\n"
"the next start): ``sig`` (uint32, len(starts) rows of a power-of-two number of bins) and\n"
"``words`` (int64, the word count of each text) are filled in. ``passes`` is the slot\n"
"table (see read_passes). Runs without the GIL.");

static PyObject *k_signatures(PyObject *self, PyObject *args) {
    PyObject *data_o, *starts_o, *passes_o, *sig_o, *words_o;
    if (!PyArg_ParseTuple(args, "OOOOO", &data_o, &starts_o, &passes_o, &sig_o, &words_o))
        return NULL;
    Py_buffer data, starts, sig, words;
    if (get_buffer(data_o, &data, 1, 0, "data") < 0) return NULL;
    if (get_buffer(starts_o, &starts, 8, 0, "starts") < 0) goto fail_data;
    if (get_buffer(sig_o, &sig, 4, 1, "sig") < 0) goto fail_starts;
    if (get_buffer(words_o, &words, 8, 1, "words") < 0) goto fail_sig;
    Py_ssize_t n_docs = starts.len / 8;
    int bits;
    Py_ssize_t bins = sig_shape(&sig, &words, n_docs, &bits);
    if (bins < 0) goto fail_words;
    if (check_starts(starts.buf, n_docs, data.len) < 0) goto fail_words;
    Py_ssize_t n_passes = 0;
    Pass *passes = read_passes(passes_o, &n_passes);
    if (!passes) goto fail_words;
    Scratch s;
    memset(&s, 0, sizeof(s));
    int oom = 0;
    Py_BEGIN_ALLOW_THREADS
    const uint8_t *buf = data.buf;
    const int64_t *st = starts.buf;
    for (Py_ssize_t d = 0; d < n_docs && !oom; d++) {
        Py_ssize_t a = st[d], b = d + 1 < n_docs ? st[d + 1] : data.len;
        if (hash_text(&s, buf + a, b - a, passes, n_passes, (uint32_t *)sig.buf + d * bins,
                      bins, bits, (int64_t *)words.buf + d) < 0)
            oom = 1;
    }
    Py_END_ALLOW_THREADS
    scratch_free(&s);
    free_passes(passes, n_passes);
    PyBuffer_Release(&words);
    PyBuffer_Release(&sig);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&data);
    if (oom) return PyErr_NoMemory();
    Py_RETURN_NONE;
fail_words:
    PyBuffer_Release(&words);
fail_sig:
    PyBuffer_Release(&sig);
fail_starts:
    PyBuffer_Release(&starts);
fail_data:
    PyBuffer_Release(&data);
    return NULL;
}

/* ---- texts as str objects ---------------------------------------------------------- */

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t length;
} Text;

/* whether ``c`` is in ``punct`` (sorted) */
static inline int is_punct(Py_UCS4 c, const uint32_t *punct, Py_ssize_t n_punct) {
    Py_ssize_t lo = 0, hi = n_punct;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (punct[mid] < c) lo = mid + 1;
        else hi = mid;
    }
    return lo < n_punct && punct[lo] == c;
}

/* the normalised bytes of a text, one per character (hashing.encode_texts): a character
 * below 256 through ``table``, typographic punctuation (``punct``, sorted) as a space;
 * returns -1 for a text with any other character, which hashing encodes itself (as UTF-8) */
static Py_ssize_t encode_text(const Text *t, const uint8_t *table, const uint32_t *punct,
                              Py_ssize_t n_punct, uint8_t *out) {
    Py_ssize_t n = t->length;
    if (t->kind == PyUnicode_1BYTE_KIND) {
        const uint8_t *d = t->data;
        for (Py_ssize_t i = 0; i < n; i++) out[i] = table[d[i]];
        return n;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
        if (c < 256) {
            out[i] = table[c];
            continue;
        }
        if (!is_punct(c, punct, n_punct)) return -1;
        out[i] = SP;
    }
    return n;
}

PyDoc_STRVAR(text_signatures_doc,
"text_signatures(texts, table, punct, passes, sig, words) -> list\n\n"
"signatures() of a list of str, encoded here: each character below 256 through ``table``\n"
"(256 bytes), each in ``punct`` (sorted uint32 code points) as a space. Returns the\n"
"indexes of the texts with any other character, whose rows are left for the caller.\n"
"Only taking the texts needs the GIL.");

static PyObject *k_text_signatures(PyObject *self, PyObject *args) {
    PyObject *texts_o, *table_o, *punct_o, *passes_o, *sig_o, *words_o;
    if (!PyArg_ParseTuple(args, "OOOOOO", &texts_o, &table_o, &punct_o, &passes_o, &sig_o,
                          &words_o))
        return NULL;
    PyObject *fast = PySequence_Fast(texts_o, "texts must be a sequence of str");
    if (!fast) return NULL;
    Py_ssize_t n_docs = PySequence_Fast_GET_SIZE(fast);
    PyObject **items = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        if (!PyUnicode_Check(items[d])) {
            Py_DECREF(fast);
            PyErr_SetString(PyExc_TypeError, "texts must be str");
            return NULL;
        }
    }
    Py_buffer table, punct, sig, words;
    PyObject *result = NULL;
    Text *tx = NULL;
    Pass *passes = NULL;
    Py_ssize_t n_passes = 0;
    uint8_t *slow = NULL;
    int got = 0;
    if (get_buffer(table_o, &table, 1, 0, "table") < 0) goto out;
    got = 1;
    if (get_buffer(punct_o, &punct, 4, 0, "punct") < 0) goto out;
    got = 2;
    if (get_buffer(sig_o, &sig, 4, 1, "sig") < 0) goto out;
    got = 3;
    if (get_buffer(words_o, &words, 8, 1, "words") < 0) goto out;
    got = 4;
    if (table.len != 256) {
        PyErr_SetString(PyExc_ValueError, "the byte table must have 256 entries");
        goto out;
    }
    int bits;
    Py_ssize_t bins = sig_shape(&sig, &words, n_docs, &bits);
    if (bins < 0) goto out;
    passes = read_passes(passes_o, &n_passes);
    if (!passes) goto out;
    tx = (Text *)malloc((n_docs ? n_docs : 1) * sizeof(Text));
    slow = (uint8_t *)calloc(n_docs ? n_docs : 1, 1);
    if (!tx || !slow) {
        PyErr_NoMemory();
        goto out;
    }
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        PyObject *u = items[d];
        Py_INCREF(u);  /* kept alive while the GIL is released, whatever the list does */
        tx[d].kind = PyUnicode_KIND(u);
        tx[d].data = PyUnicode_DATA(u);
        tx[d].length = PyUnicode_GET_LENGTH(u);
    }
    Scratch s;
    memset(&s, 0, sizeof(s));
    uint8_t *encoded = NULL;
    Py_ssize_t encoded_cap = 0;
    int oom = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        Py_ssize_t n = tx[d].length;
        if (n + 1 > encoded_cap) {
            free(encoded);
            encoded_cap = 2 * n + 64;
            encoded = (uint8_t *)malloc(encoded_cap);
        }
        if (!encoded) {
            oom = 1;
            break;
        }
        Py_ssize_t m = encode_text(&tx[d], table.buf, punct.buf, punct.len / 4, encoded);
        if (m < 0) {
            slow[d] = 1;
            continue;
        }
        if (hash_text(&s, encoded, m, passes, n_passes, (uint32_t *)sig.buf + d * bins, bins,
                      bits, (int64_t *)words.buf + d) < 0) {
            oom = 1;
            break;
        }
    }
    Py_END_ALLOW_THREADS
    free(encoded);
    scratch_free(&s);
    for (Py_ssize_t d = 0; d < n_docs; d++) Py_DECREF(items[d]);
    if (oom) {
        PyErr_NoMemory();
        goto out;
    }
    result = flagged(slow, n_docs);
out:
    free(tx);
    free(slow);
    free_passes(passes, n_passes);
    if (got >= 4) PyBuffer_Release(&words);
    if (got >= 3) PyBuffer_Release(&sig);
    if (got >= 2) PyBuffer_Release(&punct);
    if (got >= 1) PyBuffer_Release(&table);
    Py_DECREF(fast);
    return result;
}

/* ---- texts straight from the bytes of JSON lines ------------------------------------ */

/* A line is signed here only when its "text" can be taken from its bytes with no doubt
 * about what a JSON decoder would make of it; anything else makes it "slow", and the caller
 * decodes that line itself (with msgspec, as before) and signs it the str way. Slow is
 * always safe, so the parser below is strict wherever it is unsure. */

#define JSON_MAX_DEPTH 64

static inline const uint8_t *skip_blanks(const uint8_t *p, const uint8_t *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    return p;
}

static inline int hex_digit(uint8_t c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* the code unit of the four hex digits at p (p + 4 <= end checked by the caller), or -1 */
static inline int32_t hex4(const uint8_t *p) {
    int32_t v = 0;
    for (int k = 0; k < 4; k++) {
        int d = hex_digit(p[k]);
        if (d < 0) return -1;
        v = v << 4 | d;
    }
    return v;
}

/* past the JSON string whose opening quote is just before p, or NULL when it is not a valid
 * one (no closing quote, a raw control character, a bad escape). *escaped says whether it
 * held an escape. UTF-8 is not checked: it cannot move where the string ends. */
static const uint8_t *skip_string(const uint8_t *p, const uint8_t *end, int *escaped) {
    *escaped = 0;
    while (p < end) {
        uint8_t c = *p++;
        if (c == '"') return p;
        if (c < 0x20) return NULL;
        if (c != '\\') continue;
        *escaped = 1;
        if (p >= end) return NULL;
        c = *p++;
        if (c == 'u') {
            if (end - p < 4 || hex4(p) < 0) return NULL;
            p += 4;
        } else if (!strchr("\"\\/bfnrt", c) || c == 0) {
            return NULL;
        }
    }
    return NULL;
}

/* past a JSON number or true/false/null at p, or NULL */
static const uint8_t *skip_scalar(const uint8_t *p, const uint8_t *end) {
    static const char *const words[] = {"true", "false", "null"};
    for (int k = 0; k < 3; k++) {
        size_t n = strlen(words[k]);
        if ((size_t)(end - p) >= n && memcmp(p, words[k], n) == 0) return p + n;
    }
    if (p < end && *p == '-') p++;
    if (p >= end || *p < '0' || *p > '9') return NULL;
    if (*p == '0') p++;
    else while (p < end && *p >= '0' && *p <= '9') p++;
    if (p < end && *p == '.') {
        p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    return p;
}

/* past the JSON value at p (blanks before it skipped), nested objects and arrays included,
 * or NULL when it is not valid JSON or nests deeper than JSON_MAX_DEPTH */
static const uint8_t *skip_value(const uint8_t *p, const uint8_t *end) {
    uint8_t closer[JSON_MAX_DEPTH];
    int depth = 0, escaped;
    for (;;) {
        p = skip_blanks(p, end);  /* a value */
        if (p >= end) return NULL;
        if (*p == '"') {
            p = skip_string(p + 1, end, &escaped);
        } else if (*p == '{' || *p == '[') {
            if (depth == JSON_MAX_DEPTH) return NULL;
            closer[depth++] = *p == '{' ? '}' : ']';
            p = skip_blanks(p + 1, end);
            if (p < end && *p == closer[depth - 1]) {
                p++;
                depth--;
            } else if (closer[depth - 1] == '}') {  /* the first member's key */
                if (p >= end || *p != '"' || !(p = skip_string(p + 1, end, &escaped)))
                    return NULL;
                p = skip_blanks(p, end);
                if (p >= end || *p != ':') return NULL;
                p++;
                continue;
            } else {
                continue;
            }
        } else {
            p = skip_scalar(p, end);
        }
        for (;;) {  /* after a value: the end of the enclosing objects and arrays, or a comma */
            if (!p) return NULL;
            if (depth == 0) return p;
            p = skip_blanks(p, end);
            if (p >= end) return NULL;
            if (*p == closer[depth - 1]) {
                p++;
                depth--;
                continue;
            }
            if (*p != ',') return NULL;
            p = skip_blanks(p + 1, end);
            if (closer[depth - 1] == '}') {  /* the next member's key */
                if (p >= end || *p != '"' || !(p = skip_string(p + 1, end, &escaped)))
                    return NULL;
                p = skip_blanks(p, end);
                if (p >= end || *p != ':') return NULL;
                p++;
            }
            break;
        }
    }
}

/* Decode the JSON string whose opening quote is just before p into normalised bytes, one per
 * code point as encode_text makes them (below 256 through ``table``, ``punct`` as a space);
 * returns past the closing quote with the byte count in *n_out, or NULL when the string is
 * invalid or holds any other code point (a slow line). A surrogate escape is slow at once:
 * a pair makes a code point above 0xFFFF, which is never in ``punct``. Every UTF-8 sequence
 * that could be kept is checked in full (2 bytes: lead C2 or C3; 3 bytes: continuation
 * bytes, and the code point in ``punct``, which holds no surrogate and no overlong form). */
static const uint8_t *decode_text(const uint8_t *p, const uint8_t *end, const uint8_t *table,
                                  const uint32_t *punct, Py_ssize_t n_punct, uint8_t *out,
                                  Py_ssize_t *n_out) {
    Py_ssize_t m = 0;
    while (p < end) {
        uint8_t c = *p;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {  /* the usual byte */
            out[m++] = table[c];
            p++;
            continue;
        }
        uint32_t cp;
        if (c == '"') {
            *n_out = m;
            return p + 1;
        } else if (c < 0x20) {
            return NULL;
        } else if (c == '\\') {
            if (end - p < 2) return NULL;
            switch (p[1]) {
            case '"': cp = '"'; break;
            case '\\': cp = '\\'; break;
            case '/': cp = '/'; break;
            case 'b': cp = '\b'; break;
            case 'f': cp = '\f'; break;
            case 'n': cp = '\n'; break;
            case 'r': cp = '\r'; break;
            case 't': cp = '\t'; break;
            case 'u': {
                if (end - p < 6) return NULL;
                int32_t v = hex4(p + 2);
                if (v < 0 || (v >= 0xD800 && v <= 0xDFFF)) return NULL;
                cp = (uint32_t)v;
                p += 4;
                break;
            }
            default: return NULL;
            }
            p += 2;
        } else if (c == 0xC2 || c == 0xC3) {
            if (end - p < 2 || (p[1] & 0xC0) != 0x80) return NULL;
            cp = (uint32_t)(c & 0x1F) << 6 | (p[1] & 0x3F);
            p += 2;
        } else if ((c & 0xF0) == 0xE0) {
            if (end - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return NULL;
            cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
            if (!is_punct(cp, punct, n_punct)) return NULL;
            out[m++] = SP;
            p += 3;
            continue;
        } else {
            return NULL;  /* 4-byte UTF-8 (above 0xFFFF), or not UTF-8 */
        }
        if (cp < 256) out[m++] = table[cp];
        else if (is_punct(cp, punct, n_punct)) out[m++] = SP;
        else return NULL;
    }
    return NULL;
}

/* The normalised bytes of the string value of the top-level "text" member of the JSON
 * object on line[0:n] (blanks around it allowed), into out (n bytes at least); returns
 * their count, or -1 for a slow line: not one valid object, no "text" or more than one, a
 * value that is not a string or holds a code point encode_text would refuse, or a key
 * written with an escape (it might be "text"). */
static Py_ssize_t line_text(const uint8_t *p, Py_ssize_t n, const uint8_t *table,
                            const uint32_t *punct, Py_ssize_t n_punct, uint8_t *out) {
    const uint8_t *end = p + n;
    Py_ssize_t m = -1;
    int escaped;
    p = skip_blanks(p, end);
    if (p >= end || *p != '{') return -1;
    p = skip_blanks(p + 1, end);
    if (p < end && *p == '}') return -1;  /* {}: no text */
    for (;;) {
        if (p >= end || *p != '"') return -1;
        const uint8_t *key = p + 1;
        p = skip_string(key, end, &escaped);
        if (!p || escaped) return -1;
        int is_text = p - 1 - key == 4 && memcmp(key, "text", 4) == 0;
        p = skip_blanks(p, end);
        if (p >= end || *p != ':') return -1;
        p = skip_blanks(p + 1, end);
        if (is_text) {
            if (m >= 0 || p >= end || *p != '"') return -1;
            p = decode_text(p + 1, end, table, punct, n_punct, out, &m);
        } else {
            p = skip_value(p, end);
        }
        if (!p) return -1;
        p = skip_blanks(p, end);
        if (p >= end) return -1;
        if (*p == '}') break;
        if (*p != ',') return -1;
        p = skip_blanks(p + 1, end);
    }
    return skip_blanks(p + 1, end) == end ? m : -1;
}

PyDoc_STRVAR(line_signatures_doc,
"line_signatures(data, starts, ends, table, punct, passes, sig, words) -> list\n\n"
"text_signatures() of the ``text`` members of JSON lines, read from their bytes: line d is\n"
"data[starts[d]:ends[d]] (int64 offsets), one JSON object. The string is decoded (every\n"
"JSON escape, UTF-8) and each code point mapped as text_signatures maps a character.\n"
"Returns the indexes of the lines left for the caller (slow): any code point neither below\n"
"256 nor in ``punct``, and any line not read with certainty (malformed JSON, no top-level\n"
"\"text\" string or two, a key written with an escape, invalid UTF-8 in the text). Only\n"
"taking the arguments needs the GIL.");

static PyObject *k_line_signatures(PyObject *self, PyObject *args) {
    PyObject *data_o, *starts_o, *ends_o, *table_o, *punct_o, *passes_o, *sig_o, *words_o;
    if (!PyArg_ParseTuple(args, "OOOOOOOO", &data_o, &starts_o, &ends_o, &table_o, &punct_o,
                          &passes_o, &sig_o, &words_o))
        return NULL;
    Py_buffer bufs[7];
    PyObject *objs[7] = {data_o, starts_o, ends_o, table_o, punct_o, sig_o, words_o};
    static const Py_ssize_t items[7] = {1, 8, 8, 1, 4, 4, 8};
    static const char *const names[7] = {"data", "starts", "ends", "table", "punct", "sig",
                                         "words"};
    PyObject *result = NULL;
    Pass *passes = NULL;
    Py_ssize_t n_passes = 0;
    uint8_t *slow = NULL, *encoded = NULL;
    int got = 0;
    for (; got < 7; got++)
        if (get_buffer(objs[got], &bufs[got], items[got], got >= 5, names[got]) < 0) goto out;
    Py_buffer *data = &bufs[0], *table = &bufs[3], *punct = &bufs[4], *sig = &bufs[5],
              *words = &bufs[6];
    const int64_t *st = bufs[1].buf, *en = bufs[2].buf;
    Py_ssize_t n_docs = bufs[1].len / 8;
    if (bufs[2].len != bufs[1].len || table->len != 256) {
        PyErr_SetString(PyExc_ValueError, "one end per start and a 256-byte table expected");
        goto out;
    }
    Py_ssize_t longest = 0;
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        if (st[d] < 0 || st[d] > en[d] || en[d] > (int64_t)data->len) {
            PyErr_SetString(PyExc_ValueError, "each line must lie within the data");
            goto out;
        }
        if (en[d] - st[d] > longest) longest = (Py_ssize_t)(en[d] - st[d]);
    }
    int bits;
    Py_ssize_t bins = sig_shape(sig, words, n_docs, &bits);
    if (bins < 0) goto out;
    passes = read_passes(passes_o, &n_passes);
    if (!passes) goto out;
    slow = (uint8_t *)calloc(n_docs ? n_docs : 1, 1);
    encoded = (uint8_t *)malloc(longest + 1);  /* a text has fewer bytes than its line */
    if (!slow || !encoded) {
        PyErr_NoMemory();
        goto out;
    }
    Scratch s;
    memset(&s, 0, sizeof(s));
    int oom = 0;
    Py_BEGIN_ALLOW_THREADS
    const uint8_t *buf = data->buf;
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        Py_ssize_t m = line_text(buf + st[d], (Py_ssize_t)(en[d] - st[d]), table->buf,
                                 punct->buf, punct->len / 4, encoded);
        if (m < 0) {
            slow[d] = 1;
            continue;
        }
        if (hash_text(&s, encoded, m, passes, n_passes, (uint32_t *)sig->buf + d * bins, bins,
                      bits, (int64_t *)words->buf + d) < 0) {
            oom = 1;
            break;
        }
    }
    Py_END_ALLOW_THREADS
    scratch_free(&s);
    if (oom) {
        PyErr_NoMemory();
        goto out;
    }
    result = flagged(slow, n_docs);
out:
    free(slow);
    free(encoded);
    free_passes(passes, n_passes);
    while (got > 0) PyBuffer_Release(&bufs[--got]);
    return result;
}

PyDoc_STRVAR(word_hashes_doc,
"word_hashes(data, starts, words) -> bytes\n\n"
"The word hashes (uint64, native byte order) of the texts in ``data`` in order, as\n"
"hashing.encoded_token_hashes gives them; ``words`` (int64) is filled with each text's\n"
"word count. Runs without the GIL.");

static PyObject *k_word_hashes(PyObject *self, PyObject *args) {
    PyObject *data_o, *starts_o, *words_o;
    if (!PyArg_ParseTuple(args, "OOO", &data_o, &starts_o, &words_o)) return NULL;
    Py_buffer data, starts, words;
    if (get_buffer(data_o, &data, 1, 0, "data") < 0) return NULL;
    if (get_buffer(starts_o, &starts, 8, 0, "starts") < 0) {
        PyBuffer_Release(&data);
        return NULL;
    }
    if (get_buffer(words_o, &words, 8, 1, "words") < 0) {
        PyBuffer_Release(&starts);
        PyBuffer_Release(&data);
        return NULL;
    }
    Py_ssize_t n_docs = starts.len / 8;
    PyObject *result = NULL;
    if (words.len / 8 != n_docs) {
        PyErr_SetString(PyExc_ValueError, "words must hold one count per text");
        goto done;
    }
    if (check_starts(starts.buf, n_docs, data.len) < 0) goto done;
    /* a text of n bytes holds at most (n + 1) / 2 words */
    uint64_t *h = (uint64_t *)malloc(((data.len + n_docs) / 2 + 2) * sizeof(uint64_t));
    if (!h) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t total = 0;
    Py_BEGIN_ALLOW_THREADS
    const uint8_t *buf = data.buf;
    const int64_t *st = starts.buf;
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        Py_ssize_t a = st[d], b = d + 1 < n_docs ? st[d + 1] : data.len;
        Py_ssize_t t = word_hashes(buf + a, b - a, h + total);
        ((int64_t *)words.buf)[d] = t;
        total += t;
    }
    Py_END_ALLOW_THREADS
    result = PyBytes_FromStringAndSize((const char *)h, total * (Py_ssize_t)sizeof(uint64_t));
    free(h);
done:
    PyBuffer_Release(&words);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&data);
    return result;
}

/* ---- learning slots (hashing.learn_slots) ------------------------------------------- */

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

typedef struct {
    uint64_t *contexts, *pairs, *canonical;
    Py_ssize_t n_contexts, n_pairs;
} Side;

static void side_free(Side *sd) {
    free(sd->contexts);
    free(sd->pairs);
    free(sd->canonical);
    memset(sd, 0, sizeof(*sd));
}

/* key -> index of a dense entry (linear probing; key and index side by side, so a probe
 * touches one cache line); grows as entries come, so it stays as small as the keys allow */
typedef struct {
    uint64_t key;
    int64_t index;
} Entry;

typedef struct {
    Entry *slots;
    uint64_t mask;
    int shift;
    Py_ssize_t used;
} Counter;

static int counter_alloc(Counter *c, int bits) {
    uint64_t cap = (uint64_t)1 << bits;
    c->slots = (Entry *)malloc(cap * sizeof(Entry));
    if (!c->slots) return -1;
    for (uint64_t i = 0; i < cap; i++) c->slots[i].index = -1;
    c->mask = cap - 1;
    c->shift = 64 - bits;
    c->used = 0;
    return 0;
}

static int counter_init(Counter *c, Py_ssize_t n) {
    (void)n;
    return counter_alloc(c, 12);
}

static void counter_free(Counter *c) {
    free(c->slots);
    c->slots = NULL;
}

/* the dense index of ``k``, given ``next`` (and ``*added`` set) when it is new; -2 when out
 * of memory */
static int64_t counter_get(Counter *c, uint64_t k, int64_t next, int *added) {
    uint64_t at = (k * M1) >> c->shift;
    for (;;) {
        Entry *e = &c->slots[at];
        if (e->index < 0) break;
        if (e->key == k) {
            *added = 0;
            return e->index;
        }
        at = (at + 1) & c->mask;
    }
    if ((uint64_t)(c->used + 1) * 2 > c->mask + 1) {  /* half full: twice the size */
        Counter bigger;
        if (counter_alloc(&bigger, 64 - c->shift + 1) < 0) return -2;
        for (uint64_t i = 0; i <= c->mask; i++) {
            Entry *e = &c->slots[i];
            if (e->index < 0) continue;
            uint64_t to = (e->key * M1) >> bigger.shift;
            while (bigger.slots[to].index >= 0) to = (to + 1) & bigger.mask;
            bigger.slots[to] = *e;
        }
        bigger.used = c->used;
        free(c->slots);
        *c = bigger;
        at = (k * M1) >> c->shift;
        while (c->slots[at].index >= 0) at = (at + 1) & c->mask;
    }
    c->slots[at].key = k;
    c->slots[at].index = next;
    c->used++;
    *added = 1;
    return next;
}

typedef struct {
    uint64_t pair, mid;
    int64_t kid, count;
} PairEntry;

static int cmp_head(const void *a, const void *b) {  /* context, then count down, then word */
    const PairEntry *x = a, *y = b;
    if (x->kid != y->kid) return (x->kid > y->kid) - (x->kid < y->kid);
    if (x->count != y->count) return (x->count < y->count) - (x->count > y->count);
    return (x->mid > y->mid) - (x->mid < y->mid);
}

static int cmp_pair(const void *a, const void *b) {
    const PairEntry *x = a, *y = b;
    return (x->pair > y->pair) - (x->pair < y->pair);
}

#define SKETCH_BITS 20 /* 1 MB of saturating counts, a first look at how often a context is */

/* hashing._slot_side: the contexts (keys[i]) that behave like template slots, from the words
 * (mids[i]) that follow them. A context seen fewer than min_count times cannot be one: a
 * sketch of saturating counts (never below the true count) sets most contexts aside before
 * they are counted exactly. Returns -1 when out of memory. */
static int slot_side(const uint64_t *keys, const uint64_t *mids, Py_ssize_t n, int64_t min_count,
                     int64_t max_alternatives, double min_share, Side *out) {
    memset(out, 0, sizeof(*out));
    if (n == 0) return 0;
    int rc = -1;
    Counter ctx = {0}, pc = {0};
    uint8_t *sketch = NULL;
    uint64_t *ctx_keys = NULL;
    int64_t *ctx_count = NULL, *n_alt = NULL, *kid_of = NULL;
    double *covered = NULL;
    PairEntry *pairs = NULL;
    Py_ssize_t n_ctx = 0, n_pairs = 0, n_cand = 0;
    int use_sketch = min_count <= 255;
    if (use_sketch) {
        sketch = (uint8_t *)calloc((size_t)1 << SKETCH_BITS, 1);
        if (!sketch) goto done;
        for (Py_ssize_t i = 0; i < n; i++) {
            uint64_t f = (keys[i] * M2) >> (64 - SKETCH_BITS);
            if (sketch[f] < 255) sketch[f]++;
        }
    }
    kid_of = (int64_t *)malloc(n * sizeof(int64_t));
    if (!kid_of) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        int cand = !use_sketch || sketch[(keys[i] * M2) >> (64 - SKETCH_BITS)] >= min_count;
        kid_of[i] = cand ? 0 : -1;
        n_cand += cand;
    }
    if (counter_init(&ctx, n_cand) < 0) goto done;
    ctx_keys = (uint64_t *)malloc((n_cand ? n_cand : 1) * sizeof(uint64_t));
    ctx_count = (int64_t *)malloc((n_cand ? n_cand : 1) * sizeof(int64_t));
    if (!ctx_keys || !ctx_count) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {  /* count each candidate context exactly */
        if (kid_of[i] < 0) continue;
        int added;
        int64_t k = counter_get(&ctx, keys[i], n_ctx, &added);
        if (k == -2) goto done;
        if (added) {
            ctx_keys[n_ctx] = keys[i];
            ctx_count[n_ctx++] = 0;
        }
        kid_of[i] = k;
        ctx_count[k]++;
    }
    if (counter_init(&pc, n_cand) < 0) goto done;
    pairs = (PairEntry *)malloc((n_cand ? n_cand : 1) * sizeof(PairEntry));
    if (!pairs) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {  /* count (frequent context, word) pairs */
        int64_t k = kid_of[i];
        if (k < 0 || ctx_count[k] < min_count) continue;
        uint64_t key = fmix64(keys[i] ^ (mids[i] * M3));
        int added;
        int64_t j = counter_get(&pc, key, n_pairs, &added);
        if (j == -2) goto done;
        if (added) {
            pairs[n_pairs].pair = key;
            pairs[n_pairs].mid = mids[i];
            pairs[n_pairs].kid = k;
            pairs[n_pairs++].count = 0;
        }
        pairs[j].count++;
    }
    n_alt = (int64_t *)calloc(n_ctx ? n_ctx : 1, sizeof(int64_t));
    covered = (double *)calloc(n_ctx ? n_ctx : 1, sizeof(double));
    if (!n_alt || !covered) goto done;
    /* an alternative: seen at least twice and at least min_share of its context's times */
    Py_ssize_t kept = 0;
    for (Py_ssize_t j = 0; j < n_pairs; j++) {
        double total = (double)ctx_count[pairs[j].kid];
        double need = min_share * total;
        if ((double)pairs[j].count >= (need > 2.0 ? need : 2.0)) {
            n_alt[pairs[j].kid]++;
            covered[pairs[j].kid] += (double)pairs[j].count;
            pairs[kept++] = pairs[j];
        }
    }
    /* a slot: 2..max_alternatives alternatives covering at least 80 % of its context */
    Py_ssize_t chosen = 0;
    for (Py_ssize_t j = 0; j < kept; j++) {
        int64_t k = pairs[j].kid;
        if (n_alt[k] >= 2 && n_alt[k] <= max_alternatives &&
            covered[k] >= 0.8 * (double)ctx_count[k])
            pairs[chosen++] = pairs[j];
    }
    if (chosen == 0) {
        rc = 0;
        goto done;
    }
    /* each slot's canonical word: its commonest alternative (ties: the smaller hash) */
    qsort(pairs, chosen, sizeof(PairEntry), cmp_head);
    uint64_t *canon_of = (uint64_t *)n_alt;  /* reused: one value per context */
    Py_ssize_t n_slots = 0;
    for (Py_ssize_t j = 0; j < chosen; j++) {
        if (j == 0 || pairs[j].kid != pairs[j - 1].kid) {
            canon_of[pairs[j].kid] = pairs[j].mid;
            n_slots++;
        }
    }
    out->contexts = (uint64_t *)malloc(n_slots * sizeof(uint64_t));
    out->pairs = (uint64_t *)malloc(chosen * sizeof(uint64_t));
    out->canonical = (uint64_t *)malloc(chosen * sizeof(uint64_t));
    if (!out->contexts || !out->pairs || !out->canonical) {
        side_free(out);
        goto done;
    }
    for (Py_ssize_t j = 0; j < chosen; j++)
        if (j == 0 || pairs[j].kid != pairs[j - 1].kid)
            out->contexts[out->n_contexts++] = ctx_keys[pairs[j].kid];
    qsort(out->contexts, out->n_contexts, sizeof(uint64_t), cmp_u64);
    qsort(pairs, chosen, sizeof(PairEntry), cmp_pair);
    for (Py_ssize_t j = 0; j < chosen; j++) {
        out->pairs[j] = pairs[j].pair;
        out->canonical[j] = canon_of[pairs[j].kid];
    }
    out->n_pairs = chosen;
    rc = 0;
done:
    counter_free(&ctx);
    counter_free(&pc);
    free(sketch);
    free(ctx_keys);
    free(ctx_count);
    free(kid_of);
    free(n_alt);
    free(covered);
    free(pairs);
    return rc;
}

static PyObject *u64_bytes(const uint64_t *a, Py_ssize_t n) {
    return PyBytes_FromStringAndSize(n ? (const char *)a : "", n * (Py_ssize_t)sizeof(uint64_t));
}

PyDoc_STRVAR(learn_slots_doc,
"learn_slots(h, doc_len, passes, min_count, max_alternatives, min_share) -> list\n\n"
"hashing.learn_slots on the word hashes ``h`` (uint64) of texts of ``doc_len`` (int64)\n"
"words: per pass, (left contexts, left pairs, left canonical words, right contexts, right\n"
"pairs, right canonical words) as bytes of uint64. ``h`` is not changed. Runs without the\n"
"GIL.");

static PyObject *k_learn_slots(PyObject *self, PyObject *args) {
    PyObject *h_o, *len_o;
    Py_ssize_t n_passes;
    long long min_count, max_alternatives;
    double min_share;
    if (!PyArg_ParseTuple(args, "OOnLLd", &h_o, &len_o, &n_passes, &min_count,
                          &max_alternatives, &min_share))
        return NULL;
    Py_buffer hb, lb;
    if (get_buffer(h_o, &hb, 8, 0, "h") < 0) return NULL;
    if (get_buffer(len_o, &lb, 8, 0, "doc_len") < 0) {
        PyBuffer_Release(&hb);
        return NULL;
    }
    Py_ssize_t n = hb.len / 8, n_docs = lb.len / 8;
    const int64_t *doc_len = lb.buf;
    int64_t sum = 0;
    for (Py_ssize_t d = 0; d < n_docs && sum >= 0; d++)
        sum = doc_len[d] < 0 ? -1 : sum + doc_len[d];
    PyObject *result = NULL;
    if (sum != n || n_passes < 0) {
        PyErr_SetString(PyExc_ValueError, "doc_len must add up to the number of words");
        goto release;
    }
    result = PyList_New(0);
    if (!result || n < 3) goto release;
    uint64_t *h = (uint64_t *)malloc(n * sizeof(uint64_t));
    uint64_t *pk = (uint64_t *)malloc(n * sizeof(uint64_t));
    uint64_t *keys = (uint64_t *)malloc(n * sizeof(uint64_t));
    uint64_t *mids = (uint64_t *)malloc(n * sizeof(uint64_t));
    uint8_t *done = (uint8_t *)malloc(n);
    uint8_t *only = (uint8_t *)calloc(n, 1);
    Side *sides = (Side *)calloc(2 * (n_passes ? n_passes : 1), sizeof(Side));
    int oom = !h || !pk || !keys || !mids || !done || !only || !sides;
    if (!oom) {
        memcpy(h, hb.buf, n * sizeof(uint64_t));
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t p = 0; p < n_passes && !oom; p++) {
            for (Py_ssize_t i = 0; i + 1 < n; i++) pk[i] = h[i] * M1 ^ h[i + 1];
            /* left: the two words before, in the same text; right: the two words after */
            for (int side = 0; side < 2 && !oom; side++) {
                Py_ssize_t m = 0, start = 0;
                for (Py_ssize_t d = 0; d < n_docs; d++) {
                    Py_ssize_t t = doc_len[d];
                    for (Py_ssize_t j = 0; j < t; j++) {
                        Py_ssize_t i = start + j;
                        if (p > 0 && !only[i]) continue;
                        if (side == 0 && j >= 2) {
                            keys[m] = pk[i - 2];
                            mids[m++] = h[i];
                        } else if (side == 1 && j + 2 < t) {
                            keys[m] = pk[i + 1];
                            mids[m++] = h[i];
                        }
                    }
                    start += t;
                }
                if (slot_side(keys, mids, m, min_count, max_alternatives, min_share,
                              &sides[2 * p + side]) < 0)
                    oom = 1;
            }
            if (oom) break;
            /* the pass, applied to the sample, as collapsing applies it */
            Pass ps;
            memset(&ps, 0, sizeof(ps));
            Side *l = &sides[2 * p], *r = &sides[2 * p + 1];
            if (map_init(&ps.left_contexts, l->contexts, NULL, l->n_contexts) < 0 ||
                map_init(&ps.left_pairs, l->pairs, l->canonical, l->n_pairs) < 0 ||
                map_init(&ps.right_contexts, r->contexts, NULL, r->n_contexts) < 0 ||
                map_init(&ps.right_pairs, r->pairs, r->canonical, r->n_pairs) < 0) {
                oom = 1;
            } else {
                Py_ssize_t start = 0;
                for (Py_ssize_t d = 0; d < n_docs; d++) {
                    one_pass(h + start, pk + start, done + start, only + start, doc_len[d], &ps,
                             p == 0);
                    start += doc_len[d];
                }
            }
            map_free(&ps.left_contexts);
            map_free(&ps.left_pairs);
            map_free(&ps.right_contexts);
            map_free(&ps.right_pairs);
        }
        Py_END_ALLOW_THREADS
    }
    for (Py_ssize_t p = 0; p < n_passes && !oom && result; p++) {
        Side *l = &sides[2 * p], *r = &sides[2 * p + 1];
        PyObject *item = Py_BuildValue(
            "(NNNNNN)", u64_bytes(l->contexts, l->n_contexts), u64_bytes(l->pairs, l->n_pairs),
            u64_bytes(l->canonical, l->n_pairs), u64_bytes(r->contexts, r->n_contexts),
            u64_bytes(r->pairs, r->n_pairs), u64_bytes(r->canonical, r->n_pairs));
        if (!item || PyList_Append(result, item) < 0) Py_CLEAR(result);
        Py_XDECREF(item);
    }
    if (sides)
        for (Py_ssize_t k = 0; k < 2 * n_passes; k++) side_free(&sides[k]);
    free(sides);
    free(h);
    free(pk);
    free(keys);
    free(mids);
    free(done);
    free(only);
    if (oom) {
        Py_CLEAR(result);
        PyErr_NoMemory();
    }
release:
    PyBuffer_Release(&lb);
    PyBuffer_Release(&hb);
    return result;
}

/* ---- the lines of a JSONL input ------------------------------------------------------- */

PyDoc_STRVAR(scan_lines_doc,
"scan_lines(data) -> (starts, odd)\n\n"
"The lines of ``data`` (any contiguous buffer of bytes) as the reader of ``samskab analyse``\n"
"sees them: ``starts`` holds the offset of each line's first byte as int64 bytes (a line ends\n"
"just after a line feed; a last line without one counts, an empty tail does not); ``odd``\n"
"holds, as int64 bytes too, the indexes of the lines a one-call decoder could misread: a\n"
"line that is empty or only blanks, a line holding a carriage return not followed by a line\n"
"feed, and a line where a closing brace is followed, after blanks only, by an opening brace\n"
"(two objects on one line, or rarely such text inside a string). Runs without the GIL.");

typedef struct {
    int64_t *a;
    Py_ssize_t n, cap;
} I64s;

static int i64s_push(I64s *v, int64_t x) {
    if (v->n == v->cap) {
        Py_ssize_t cap = v->cap ? v->cap * 2 : 1024;
        int64_t *a = realloc(v->a, (size_t)cap * sizeof(int64_t));
        if (!a) return -1;
        v->a = a;
        v->cap = cap;
    }
    v->a[v->n++] = x;
    return 0;
}

static PyObject *k_scan_lines(PyObject *self, PyObject *args) {
    PyObject *data_o;
    if (!PyArg_ParseTuple(args, "O", &data_o)) return NULL;
    Py_buffer data;
    if (PyObject_GetBuffer(data_o, &data, PyBUF_SIMPLE) < 0) return NULL;
    I64s starts = {0}, odd = {0};
    int oom = 0;
    Py_BEGIN_ALLOW_THREADS
    const uint8_t *buf = data.buf;
    const Py_ssize_t size = data.len;
    Py_ssize_t at = 0;
    int64_t line = 0;
    while (at < size && !oom) {
        const uint8_t *nl = memchr(buf + at, '\n', (size_t)(size - at));
        Py_ssize_t end = nl ? (Py_ssize_t)(nl - buf) : size; /* the line is buf[at:end] */
        int blank = 1, bad = 0;
        if (end > at && buf[at] == '{') {
            /* the usual line: memchr finds the few bytes that matter */
            blank = 0;
            const uint8_t *cr = memchr(buf + at, '\r', (size_t)(end - at));
            if (cr && (cr + 1 < buf + end || !nl)) bad = 1; /* CR other than before the LF */
            const uint8_t *o = buf + at + 1, *stop = buf + end;
            while (!bad && o < stop && (o = memchr(o, '{', (size_t)(stop - o))) != NULL) {
                const uint8_t *b = o - 1; /* a '{' after a '}' and blanks: two objects? */
                while (b > buf + at && (*b == ' ' || *b == '\t')) b--;
                if (*b == '}') bad = 1;
                o++;
            }
        } else {
            int closed = 0; /* a '}' seen, then blanks only */
            for (Py_ssize_t i = at; i < end && !bad; i++) {
                uint8_t c = buf[i];
                if (c == ' ' || c == '\t') continue;
                if (c == '\r') {
                    if (i + 1 < end || !nl) bad = 1; /* a CR not followed by the line feed */
                    continue;
                }
                blank = 0;
                if (c == '{' && closed) bad = 1;
                closed = c == '}';
            }
        }
        oom = i64s_push(&starts, at) < 0 || ((blank || bad) && i64s_push(&odd, line) < 0);
        line++;
        at = end + 1;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    PyObject *result = NULL;
    if (oom)
        PyErr_NoMemory();
    else
        result = Py_BuildValue("(NN)", u64_bytes((const uint64_t *)starts.a, starts.n),
                               u64_bytes((const uint64_t *)odd.a, odd.n));
    free(starts.a);
    free(odd.a);
    return result;
}

/* ---- LSH band keys ------------------------------------------------------------------- */

PyDoc_STRVAR(band_key_doc,
"band_key(sig, bins, first, mult, salt, out)\n\n"
"groups.band_key: for each row of ``sig`` (uint32, ``bins`` a row), the key of the band of\n"
"``len(mult)`` bins from bin ``first``: sum of value × multiplier (uint64, modulo 2**64),\n"
"plus ``salt``, murmur3-finalised, with the low bit set; 0 when every bin of the band is\n"
"empty (0xFFFFFFFF). ``mult`` is uint64; ``out`` a writable uint64 buffer of one key a row.\n"
"Runs without the GIL.");

static PyObject *k_band_key(PyObject *self, PyObject *args) {
    PyObject *sig_o, *mult_o, *out_o;
    Py_ssize_t bins, first;
    unsigned long long salt;
    if (!PyArg_ParseTuple(args, "OnnOKO", &sig_o, &bins, &first, &mult_o, &salt, &out_o))
        return NULL;
    Py_buffer sig, mult, out;
    if (PyObject_GetBuffer(sig_o, &sig, PyBUF_SIMPLE) < 0) return NULL;
    if (PyObject_GetBuffer(mult_o, &mult, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&sig);
        return NULL;
    }
    if (PyObject_GetBuffer(out_o, &out, PyBUF_WRITABLE) < 0) {
        PyBuffer_Release(&sig);
        PyBuffer_Release(&mult);
        return NULL;
    }
    PyObject *result = NULL;
    Py_ssize_t rows = (Py_ssize_t)(mult.len / (Py_ssize_t)sizeof(uint64_t));
    if (bins <= 0 || sig.len % (bins * (Py_ssize_t)sizeof(uint32_t)) ||
        mult.len % (Py_ssize_t)sizeof(uint64_t) || rows < 1 || first < 0 ||
        first + rows > bins) {
        PyErr_SetString(PyExc_ValueError, "band_key: the band does not fit the signatures");
        goto release;
    }
    Py_ssize_t n = sig.len / (bins * (Py_ssize_t)sizeof(uint32_t));
    if (out.len != n * (Py_ssize_t)sizeof(uint64_t)) {
        PyErr_SetString(PyExc_ValueError, "band_key: out must hold one uint64 a row");
        goto release;
    }
    Py_BEGIN_ALLOW_THREADS
    const uint32_t *sg = sig.buf;
    const uint64_t *m = mult.buf;
    uint64_t *keys = out.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        const uint32_t *row = sg + i * bins + first;
        uint64_t acc = 0;
        uint32_t common = 0xFFFFFFFFu;
        for (Py_ssize_t r = 0; r < rows; r++) {
            acc += (uint64_t)row[r] * m[r];
            common &= row[r];
        }
        keys[i] = common == 0xFFFFFFFFu ? 0 : (fmix64(acc + (uint64_t)salt) | 1ULL);
    }
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
release:
    PyBuffer_Release(&sig);
    PyBuffer_Release(&mult);
    PyBuffer_Release(&out);
    return result;
}

PyDoc_STRVAR(text_digests_doc,
"text_digests(texts) -> bytes\n\n"
"A 128-bit digest of each str in ``texts`` (16 bytes each, in order), to tell exact copies\n"
"apart without holding the texts: equal texts give equal digests; different texts the same\n"
"one about once in 2**64 pairs. Not a cryptographic hash. Only taking the texts needs the\n"
"GIL.");

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static void digest_one(const uint8_t *d, Py_ssize_t n, uint64_t seed, uint64_t out[2]) {
    uint64_t a = seed ^ M2, b = rotl64(seed, 32) ^ M3;
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, d + i, 8);
        a = rotl64(a ^ (w * C1), 31) * M1;
        b = rotl64(b ^ (w * C2), 29) * M2 + a;
    }
    if (i < n) {
        uint64_t w = 0;
        memcpy(&w, d + i, (size_t)(n - i));
        a = rotl64(a ^ (w * C1), 31) * M1;
        b = rotl64(b ^ (w * C2), 29) * M2 + a;
    }
    a = fmix64(a ^ (uint64_t)n);
    b = fmix64(b ^ a);
    out[0] = a;
    out[1] = fmix64(a ^ b * M3);
}

static PyObject *k_text_digests(PyObject *self, PyObject *args) {
    PyObject *texts_o;
    if (!PyArg_ParseTuple(args, "O", &texts_o)) return NULL;
    PyObject *fast = PySequence_Fast(texts_o, "texts must be a sequence of str");
    if (!fast) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    PyObject **items = PySequence_Fast_ITEMS(fast);
    PyObject *result = PyBytes_FromStringAndSize(NULL, n * 16);
    if (!result) {
        Py_DECREF(fast);
        return NULL;
    }
    uint64_t *out = (uint64_t *)PyBytes_AS_STRING(result);
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *u = items[k];
        if (!PyUnicode_Check(u)) {
            Py_DECREF(result);
            Py_DECREF(fast);
            PyErr_SetString(PyExc_TypeError, "texts must be str");
            return NULL;
        }
        /* a str is stored in the narrowest kind that holds it: equal texts, equal bytes */
        int kind = PyUnicode_KIND(u);
        Py_ssize_t len = PyUnicode_GET_LENGTH(u);
        digest_one(PyUnicode_DATA(u), len * kind, (uint64_t)kind * M1 ^ (uint64_t)len, out + 2 * k);
    }
    Py_DECREF(fast);
    return result;
}

PyDoc_STRVAR(pair_similarity_doc,
"pair_similarity(sig, sig8, u, v, prefilter, out)\n\n"
"groups.similarity with a prefilter: for each pair (u[i], v[i]) (int32 row numbers), the\n"
"share of equal bytes of rows u[i] and v[i] of ``sig8`` (uint8, one mixed byte per bin of\n"
"the first bins, a multiple of 8 a row); where that share is at least ``prefilter``, the\n"
"one-permutation estimate from ``sig`` (uint32 rows) instead: equal own minima (low bit\n"
"clear) over the bins not empty in both (low bit set in both). ``out`` (float32) gets the\n"
"estimates, each the float32 of the double quotient, as numpy computes it. Runs without the\n"
"GIL.");

static PyObject *k_pair_similarity(PyObject *self, PyObject *args) {
    PyObject *sig_o, *sig8_o, *u_o, *v_o, *out_o;
    double prefilter;
    if (!PyArg_ParseTuple(args, "OOOOdO", &sig_o, &sig8_o, &u_o, &v_o, &prefilter, &out_o))
        return NULL;
    Py_buffer sig, sig8, u, v, out;
    int got = 0;
    PyObject *result = NULL;
    if (PyObject_GetBuffer(sig_o, &sig, PyBUF_ND | PyBUF_C_CONTIGUOUS) < 0) goto done;
    got = 1;
    if (PyObject_GetBuffer(sig8_o, &sig8, PyBUF_ND | PyBUF_C_CONTIGUOUS) < 0) goto done;
    got = 2;
    if (get_buffer(u_o, &u, 4, 0, "u") < 0) goto done;
    got = 3;
    if (get_buffer(v_o, &v, 4, 0, "v") < 0) goto done;
    got = 4;
    if (get_buffer(out_o, &out, 4, 1, "out") < 0) goto done;
    got = 5;
    if (sig.ndim != 2 || sig.itemsize != 4 || sig8.ndim != 2 || sig8.itemsize != 1 ||
        sig.shape[0] != sig8.shape[0] || sig8.shape[1] % 8 || sig8.shape[1] == 0) {
        PyErr_SetString(PyExc_ValueError,
                        "sig must be uint32[n, bins] and sig8 uint8[n, k], k a multiple of 8");
        goto done;
    }
    Py_ssize_t m = u.len / 4, n = sig.shape[0], bins = sig.shape[1], k8 = sig8.shape[1];
    if (v.len / 4 != m || out.len / 4 != m) {
        PyErr_SetString(PyExc_ValueError, "u, v and out must have the same length");
        goto done;
    }
    const int32_t *pu = u.buf, *pv = v.buf;
    for (Py_ssize_t i = 0; i < m; i++) {
        if (pu[i] < 0 || pu[i] >= n || pv[i] < 0 || pv[i] >= n) {
            PyErr_SetString(PyExc_IndexError, "a row number is out of range");
            goto done;
        }
    }
    const uint32_t *rows = sig.buf;
    const uint8_t *rows8 = sig8.buf;
    float *po = out.buf;
    Py_BEGIN_ALLOW_THREADS
    /* the rows are far apart in memory: each block's rows are asked for ahead of their use
     * (first the mixed bytes of every pair, then the full rows of those that need them), so
     * that the memory's latency is paid for many rows at once */
    enum { BLOCK = 64, AHEAD = 8 };
    Py_ssize_t full[BLOCK];
    for (Py_ssize_t lo = 0; lo < m; lo += BLOCK) {
        Py_ssize_t hi = lo + BLOCK < m ? lo + BLOCK : m, n_full = 0;
        for (Py_ssize_t i = lo; i < hi; i++) {
            if (i + AHEAD < hi) {
                __builtin_prefetch(rows8 + (Py_ssize_t)pu[i + AHEAD] * k8);
                __builtin_prefetch(rows8 + (Py_ssize_t)pv[i + AHEAD] * k8);
            }
            const uint8_t *a8 = rows8 + (Py_ssize_t)pu[i] * k8;
            const uint8_t *b8 = rows8 + (Py_ssize_t)pv[i] * k8;
            int32_t same = 0;
            for (Py_ssize_t j = 0; j < k8; j++) same += a8[j] == b8[j];
            double rough = (double)same / (double)k8;
            if (rough < prefilter) po[i] = (float)rough;
            else full[n_full++] = i;
        }
        for (Py_ssize_t f = 0; f < n_full; f++) {
            if (f + 2 < n_full) {
                const uint8_t *na = (const uint8_t *)(rows + (Py_ssize_t)pu[full[f + 2]] * bins);
                const uint8_t *nb = (const uint8_t *)(rows + (Py_ssize_t)pv[full[f + 2]] * bins);
                for (Py_ssize_t off = 0; off < bins * 4; off += 64) {
                    __builtin_prefetch(na + off);
                    __builtin_prefetch(nb + off);
                }
            }
            Py_ssize_t i = full[f];
            const uint32_t *a = rows + (Py_ssize_t)pu[i] * bins;
            const uint32_t *b = rows + (Py_ssize_t)pv[i] * bins;
            int32_t eq = 0, both_empty = 0;
            for (Py_ssize_t j = 0; j < bins; j++) {
                eq += (a[j] == b[j]) & ((a[j] & 1u) == 0);
                both_empty += (a[j] & b[j] & 1u) != 0;
            }
            Py_ssize_t den = bins - both_empty;
            po[i] = (float)((double)eq / (double)(den > 1 ? den : 1));
        }
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    if (got >= 5) PyBuffer_Release(&out);
    if (got >= 4) PyBuffer_Release(&v);
    if (got >= 3) PyBuffer_Release(&u);
    if (got >= 2) PyBuffer_Release(&sig8);
    if (got >= 1) PyBuffer_Release(&sig);
    return result;
}

static PyMethodDef methods[] = {
    {"signatures", k_signatures, METH_VARARGS, signatures_doc},
    {"word_hashes", k_word_hashes, METH_VARARGS, word_hashes_doc},
    {"text_signatures", k_text_signatures, METH_VARARGS, text_signatures_doc},
    {"line_signatures", k_line_signatures, METH_VARARGS, line_signatures_doc},
    {"learn_slots", k_learn_slots, METH_VARARGS, learn_slots_doc},
    {"scan_lines", k_scan_lines, METH_VARARGS, scan_lines_doc},
    {"band_key", k_band_key, METH_VARARGS, band_key_doc},
    {"text_digests", k_text_digests, METH_VARARGS, text_digests_doc},
    {"pair_similarity", k_pair_similarity, METH_VARARGS, pair_similarity_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernel",
    "Compiled word hashing, slot collapsing and MinHash of samskab.analysis.hashing.", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
