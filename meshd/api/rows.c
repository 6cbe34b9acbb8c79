/*  meshd/api/rows.c: a list reply written as its query steps. A list of
    a thousand devices as jansson objects is tens of thousands of
    allocations and a hash table per row, built only to be dumped; here
    each row goes straight into one growing buffer as JSON text, which the
    api actor puts in the reply as it is (api_call_t.raw).                 */
#include "api/api.h"
#include <math.h>

struct _api_rows_t {
    char *data;
    size_t size, limit;
    bool first_row;             //  no comma before the next row
    bool first_field;           //  no comma before the next field
};

static void
s_need (api_rows_t *self, size_t more)
{
    if (self->size + more + 1 <= self->limit)
        return;
    while (self->size + more + 1 > self->limit)
        self->limit *= 2;
    self->data = (char *) realloc (self->data, self->limit);
    assert (self->data);
}

static void
s_put (api_rows_t *self, const char *text, size_t length)
{
    s_need (self, length);
    memcpy (self->data + self->size, text, length);
    self->size += length;
    self->data [self->size] = 0;
}

//  A JSON string: the database holds valid UTF-8 (every text was checked
//  on the way in), so only quotes, backslashes and controls are escaped
static void
s_string (api_rows_t *self, const char *text)
{
    size_t length = strlen (text);
    s_need (self, length * 6 + 2);
    char *out = self->data + self->size;
    *out++ = '"';
    for (const unsigned char *p = (const unsigned char *) text; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *out++ = '\\';
            *out++ = (char) *p;
        }
        else
        if (*p < 0x20)
            out += sprintf (out, "\\u%04x", *p);
        else
            *out++ = (char) *p;
    }
    *out++ = '"';
    *out = 0;
    self->size = (size_t) (out - self->data);
}

static void
s_key (api_rows_t *self, const char *key)
{
    if (!self->first_field)
        s_put (self, ",", 1);
    self->first_field = false;
    s_string (self, key);
    s_put (self, ":", 1);
}

api_rows_t *
api_rows_new (void)
{
    api_rows_t *self = (api_rows_t *) zmalloc (sizeof (api_rows_t));
    self->limit = 64 * 1024;
    self->data = (char *) malloc (self->limit);
    assert (self->data);
    self->first_row = true;
    s_put (self, "[", 1);
    return self;
}

void
api_rows_destroy (api_rows_t **self_p)
{
    if (*self_p) {
        free ((*self_p)->data);
        free (*self_p);
        *self_p = NULL;
    }
}

void
api_rows_begin (api_rows_t *self)
{
    s_put (self, self->first_row? "{": ",{", self->first_row? 1: 2);
    self->first_row = false;
    self->first_field = true;
}

void
api_rows_end (api_rows_t *self)
{
    s_put (self, "}", 1);
}

void
api_rows_text (api_rows_t *self, const char *key, const char *text)
{
    s_key (self, key);
    if (text)
        s_string (self, text);
    else
        s_put (self, "null", 4);
}

void
api_rows_int (api_rows_t *self, const char *key, int64_t value)
{
    char text [24];
    s_key (self, key);
    s_put (self, text, (size_t) snprintf (text, sizeof text, "%" PRId64, value));
}

void
api_rows_real (api_rows_t *self, const char *key, double value)
{
    s_key (self, key);
    if (!isfinite (value)) {
        s_put (self, "null", 4);
        return;
    }
    //  as jansson writes a real: 17 significant digits, always a real
    char text [40];
    int length = snprintf (text, sizeof text, "%.17g", value);
    if (!strpbrk (text, ".eE"))
        length += snprintf (text + length, sizeof text - (size_t) length, ".0");
    s_put (self, text, (size_t) length);
}

void
api_rows_column (api_rows_t *self, const char *key, sqlite3_stmt *stmt, int column)
{
    switch (sqlite3_column_type (stmt, column)) {
        case SQLITE_INTEGER:
            api_rows_int (self, key, sqlite3_column_int64 (stmt, column));
            break;
        case SQLITE_FLOAT:
            api_rows_real (self, key, sqlite3_column_double (stmt, column));
            break;
        case SQLITE_NULL:
            api_rows_text (self, key, NULL);
            break;
        default:
            api_rows_text (self, key, (const char *) sqlite3_column_text (stmt, column));
    }
}

json_t *
api_rows_reply (api_call_t *call, api_rows_t **self_p)
{
    api_rows_t *self = *self_p;
    s_put (self, "]", 1);
    free (call->raw);
    call->raw = self->data;
    free (self);
    *self_p = NULL;
    return json_null ();
}
