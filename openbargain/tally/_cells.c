/* The ballot file's tokenizer, compiled: the same records, cells and line numbers as Python's
 * csv.reader(io.StringIO(text, newline=""), strict=True) with the default dialect, but each
 * distinct cell text is made into a Python string once and every cell is given as the number of
 * its text. A record is `count,first,second,...`; its ranking ends at the first blank cell
 * (whitespace only, as str.strip() sees it). csvfile.split_cells does the same with the csv
 * module where this is not built, and csvfile._ranked does the checks for both alike; the tests
 * hold the two to the same output on random files.
 *
 * split(text, field_limit) -> (cells, counts, widths, filled, ranking, lines, physical_lines, error)
 *   cells:   list of str, the distinct cell texts in order of first appearance
 *   counts:  bytes, int32 per non-empty record: the number of its first cell
 *   widths:  bytes, int64 per non-empty record: the cells of its ranking
 *   filled:  bytes, one per non-empty record: 1 when any of its cells is not blank
 *   ranking: bytes, int32 per ranking cell, record after record
 *   lines:   bytes, int64 per non-empty record: the physical line it ends on (csv's line_num)
 *   physical_lines: the number of physical lines read
 *   error:   None, or (line, reason) where the csv module would raise csv.Error(reason); the
 *            other values then hold the whole records before it.
 *
 * Works on the UTF-8 form of the text: the characters the grammar looks at are ASCII, and no byte
 * of a multi-byte UTF-8 sequence is ASCII. Field lengths are counted in characters, as csv does. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    char *data;
    size_t size, capacity;
} Buffer;

static int buffer_reserve(Buffer *b, size_t more) {
    if (b->size + more <= b->capacity)
        return 0;
    size_t capacity = b->capacity ? b->capacity : 4096;
    while (capacity < b->size + more)
        capacity *= 2;
    char *data = PyMem_Realloc(b->data, capacity);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    b->data = data;
    b->capacity = capacity;
    return 0;
}

static int buffer_put(Buffer *b, const void *bytes, size_t n) {
    if (buffer_reserve(b, n) < 0)
        return -1;
    memcpy(b->data + b->size, bytes, n);
    b->size += n;
    return 0;
}

/* Distinct cell texts: an open-addressing table of (hash, offset, length) into an arena. */
typedef struct {
    uint64_t hash;
    size_t offset, length;
    int32_t id;  /* -1: empty slot */
} Slot;

typedef struct {
    Slot *slots;
    size_t mask, used;
    Buffer arena;
    Buffer blank;  /* one char per cell text: 1 when it is whitespace only */
    PyObject *cells;  /* list of str */
} Table;

static uint64_t hash_bytes(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;  /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int table_init(Table *t) {
    t->mask = 1023;
    t->used = 0;
    t->arena = (Buffer){0};
    t->blank = (Buffer){0};
    t->slots = PyMem_Malloc((t->mask + 1) * sizeof(Slot));
    t->cells = PyList_New(0);
    if (t->slots == NULL || t->cells == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i <= t->mask; i++)
        t->slots[i].id = -1;
    return 0;
}

static void table_free(Table *t) {
    PyMem_Free(t->slots);
    PyMem_Free(t->arena.data);
    PyMem_Free(t->blank.data);
    Py_XDECREF(t->cells);
}

static int table_grow(Table *t) {
    size_t mask = t->mask * 2 + 1;
    Slot *slots = PyMem_Malloc((mask + 1) * sizeof(Slot));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i <= mask; i++)
        slots[i].id = -1;
    for (size_t i = 0; i <= t->mask; i++) {
        if (t->slots[i].id < 0)
            continue;
        size_t j = t->slots[i].hash & mask;
        while (slots[j].id >= 0)
            j = (j + 1) & mask;
        slots[j] = t->slots[i];
    }
    PyMem_Free(t->slots);
    t->slots = slots;
    t->mask = mask;
    return 0;
}

/* The number of the cell text p[0:n], made a new one when it is first seen; -1 on error. */
static int32_t table_intern(Table *t, const char *p, size_t n) {
    uint64_t h = hash_bytes(p, n);
    size_t j = h & t->mask;
    while (t->slots[j].id >= 0) {
        Slot *s = &t->slots[j];
        if (s->hash == h && s->length == n && memcmp(t->arena.data + s->offset, p, n) == 0)
            return s->id;
        j = (j + 1) & t->mask;
    }
    if (t->used == INT32_MAX) {
        PyErr_SetString(PyExc_MemoryError, "too many distinct cells");
        return -1;
    }
    PyObject *text = PyUnicode_DecodeUTF8(p, (Py_ssize_t)n, "strict");
    if (text == NULL)
        return -1;
    char blank = 1;
    for (Py_ssize_t i = 0; blank && i < PyUnicode_GET_LENGTH(text); i++)
        blank = Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(text, i));
    int failed = PyList_Append(t->cells, text) < 0 || buffer_put(&t->blank, &blank, 1) < 0;
    Py_DECREF(text);
    if (failed)
        return -1;
    Slot *s = &t->slots[j];
    s->hash = h;
    s->offset = t->arena.size;
    s->length = n;
    s->id = (int32_t)t->used++;
    if (buffer_put(&t->arena, p, n) < 0)
        return -1;
    int32_t id = s->id;
    if (t->used * 2 > t->mask && table_grow(t) < 0)
        return -1;
    return id;
}

enum State { START_RECORD, START_FIELD, IN_FIELD, IN_QUOTED_FIELD, QUOTE_IN_QUOTED_FIELD, EAT_CRNL };

typedef struct {
    Table table;
    Buffer counts, widths, filled, ranking, lines;
    Buffer field;  /* a quoted cell's text, its quotes undone */
    int64_t cells_in_record, ranked, line;
    int32_t count;
    char stopped, any_filled;
    size_t committed;  /* the ranking cells of whole records: a record cut short by an error is left out */
    Py_ssize_t committed_cells;  /* likewise the distinct texts first seen before it */
    Py_ssize_t field_chars, field_limit;
} Reader;

static int save_field(Reader *r, const char *p, size_t n) {
    int32_t id = table_intern(&r->table, p, n);
    if (id < 0)
        return -1;
    char blank = r->table.blank.data[id];
    if (r->cells_in_record++ == 0)
        r->count = id;
    else if (blank)
        r->stopped = 1;
    else if (!r->stopped) {
        if (buffer_put(&r->ranking, &id, sizeof id) < 0)
            return -1;
        r->ranked++;
    }
    r->any_filled |= !blank;
    r->field.size = 0;
    r->field_chars = 0;
    return 0;
}

static int end_record(Reader *r) {
    if (r->cells_in_record == 0)  /* csv gives [] for a blank line: nothing to keep */
        return 0;
    if (buffer_put(&r->counts, &r->count, sizeof r->count) < 0 ||
        buffer_put(&r->widths, &r->ranked, sizeof r->ranked) < 0 ||
        buffer_put(&r->filled, &r->any_filled, 1) < 0 ||
        buffer_put(&r->lines, &r->line, sizeof r->line) < 0)
        return -1;
    r->cells_in_record = r->ranked = 0;
    r->stopped = r->any_filled = 0;
    r->committed = r->ranking.size;
    r->committed_cells = PyList_GET_SIZE(r->table.cells);
    return 0;
}

static void reader_free(Reader *r) {
    table_free(&r->table);
    Buffer *buffers[] = {&r->counts, &r->widths, &r->filled, &r->ranking, &r->lines, &r->field};
    for (size_t i = 0; i < sizeof buffers / sizeof *buffers; i++)
        PyMem_Free(buffers[i]->data);
}

#define BYTES(b, size) ((b).data ? (b).data : ""), (Py_ssize_t)(size)

static Py_ssize_t characters(const char *p, size_t n) {
    Py_ssize_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)p[i] & 0xC0) != 0x80;
    return count;
}

static PyObject *split(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *text;
    Py_ssize_t field_limit;
    if (!PyArg_ParseTuple(args, "Un:split", &text, &field_limit))
        return NULL;
    Py_ssize_t size;
    const char *data = PyUnicode_AsUTF8AndSize(text, &size);
    if (data == NULL)
        return NULL;

    Reader r = {0};
    r.field_limit = field_limit;
    PyObject *error = NULL;
    if (table_init(&r.table) < 0)
        goto fail;
    error = Py_NewRef(Py_None);
    enum State state = START_RECORD;
    const char *end = data + size, *p = data;

    while (p < end) {
        r.line++;  /* a physical line starts: it ends after \n, \r\n or a lone \r, as io splits them */
        int line_over = 0;
        while (!line_over) {
            char c = p < end ? *p : '\0';
            int at_end = p >= end;
            int newline = !at_end && (c == '\n' || c == '\r');
            if (!at_end) {
                p++;
                if (c == '\n' || (c == '\r' && (p >= end || *p != '\n')))
                    line_over = 1;
            } else {
                line_over = 1;
            }
            if (at_end)
                goto eol;
            switch (state) {
            case START_RECORD:
                if (newline) {
                    state = EAT_CRNL;
                    break;
                }
                state = START_FIELD;
                /* fall through */
            case START_FIELD:
                if (newline) {
                    if (save_field(&r, "", 0) < 0)
                        goto fail;
                    state = EAT_CRNL;
                } else if (c == '"') {
                    state = IN_QUOTED_FIELD;
                } else if (c == ',') {
                    if (save_field(&r, "", 0) < 0)
                        goto fail;
                } else {
                    /* an unquoted cell runs to the next comma or line end: take it whole */
                    const char *start = p - 1;
                    while (p < end && *p != ',' && *p != '\n' && *p != '\r')
                        p++;
                    if (characters(start, (size_t)(p - start)) > r.field_limit)
                        goto too_large;
                    if (save_field(&r, start, (size_t)(p - start)) < 0)
                        goto fail;
                    state = IN_FIELD;  /* the cell is saved: what follows ends it */
                }
                break;
            case IN_FIELD:  /* only a comma or a line end can follow a whole unquoted cell */
                state = newline ? EAT_CRNL : START_FIELD;
                break;
            case IN_QUOTED_FIELD:
                if (c == '"') {
                    state = QUOTE_IN_QUOTED_FIELD;
                    break;
                }
                goto add;
            case QUOTE_IN_QUOTED_FIELD:
                if (c == '"') {
                    state = IN_QUOTED_FIELD;
                    goto add;
                }
                if (c == ',' || newline) {
                    if (save_field(&r, r.field.data ? r.field.data : "", r.field.size) < 0)
                        goto fail;
                    state = newline ? EAT_CRNL : START_FIELD;
                    break;
                }
                Py_SETREF(error, Py_BuildValue("(Ls)", (long long)r.line, "',' expected after '\"'"));
                if (error == NULL)
                    goto fail;
                goto done;
            case EAT_CRNL:  /* only more line-end characters can come before the line's end */
                break;
            }
            continue;
        add:
            if (((unsigned char)c & 0xC0) != 0x80 && r.field_chars++ >= r.field_limit)
                goto too_large;
            if (buffer_put(&r.field, &c, 1) < 0)
                goto fail;
            continue;
        eol:
            break;
        }
        /* the line's end, as csv processes it after each line */
        switch (state) {
        case START_RECORD:
        case EAT_CRNL:
            break;
        case START_FIELD:
            if (save_field(&r, "", 0) < 0)
                goto fail;
            break;
        case IN_FIELD:
            break;
        case QUOTE_IN_QUOTED_FIELD:
            if (save_field(&r, r.field.data ? r.field.data : "", r.field.size) < 0)
                goto fail;
            break;
        case IN_QUOTED_FIELD:
            continue;  /* a quoted cell goes on over the line break */
        }
        state = START_RECORD;
        if (end_record(&r) < 0)
            goto fail;
    }
    if (state == IN_QUOTED_FIELD) {
        Py_SETREF(error, Py_BuildValue("(Ls)", (long long)r.line, "unexpected end of data"));
        if (error == NULL)
            goto fail;
    }
    goto done;

too_large:
    Py_SETREF(error, Py_BuildValue("(LN)", (long long)r.line,
                                   PyUnicode_FromFormat("field larger than field limit (%zd)", r.field_limit)));
    if (error == NULL)
        goto fail;

done:
    if (PyList_SetSlice(r.table.cells, r.committed_cells, PyList_GET_SIZE(r.table.cells), NULL) < 0)
        goto fail;
    {
    PyObject *result = Py_BuildValue(
        "(Oy#y#y#y#y#LN)", r.table.cells, BYTES(r.counts, r.counts.size), BYTES(r.widths, r.widths.size),
        BYTES(r.filled, r.filled.size), BYTES(r.ranking, r.committed), BYTES(r.lines, r.lines.size),
        (long long)r.line, error);
    reader_free(&r);
    return result;
}

fail:
    Py_XDECREF(error);
    reader_free(&r);
    return NULL;
}

static PyMethodDef methods[] = {
    {"split", split, METH_VARARGS, "split(text, field_limit): the ballot file's records as numbered cells"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, .m_name = "_cells", .m_size = -1, .m_methods = methods};

PyMODINIT_FUNC PyInit__cells(void) { return PyModule_Create(&module); }
