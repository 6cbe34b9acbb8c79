/*  meshd/api/rows.c: list replies written as the query steps. What it
    writes parses as JSON to the same values a jansson tree would hold:
    quotes, backslashes and control characters escaped, UTF-8 kept, reals
    as reals (an integral one too), non-finite reals and NULL columns as
    null, every SQLite column by its type.                                  */
#include "testing.h"
#include "../../meshd/api/api.h"

int
main (void)
{
    api_call_t call;
    memset (&call, 0, sizeof call);
    api_rows_t *rows = api_rows_new ();
    api_rows_begin (rows);
    api_rows_text (rows, "name", "say \"hi\" \\ \t\n\x01 caf\xc3\xa9");
    api_rows_text (rows, "none", NULL);
    api_rows_int (rows, "big", INT64_MIN);
    api_rows_real (rows, "whole", 2.0);
    api_rows_real (rows, "third", 1.0 / 3.0);
    api_rows_real (rows, "nan", 0.0 / 0.0);
    api_rows_end (rows);
    //  the columns of a row, by their types
    sqlite3 *db = NULL;
    CHECK (sqlite3_open (":memory:", &db) == SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    CHECK (sqlite3_prepare_v2 (db, "SELECT 7, 0.25, 'text', NULL", -1, &stmt, NULL) == SQLITE_OK);
    CHECK (sqlite3_step (stmt) == SQLITE_ROW);
    api_rows_begin (rows);
    api_rows_column (rows, "i", stmt, 0);
    api_rows_column (rows, "r", stmt, 1);
    api_rows_column (rows, "t", stmt, 2);
    api_rows_column (rows, "n", stmt, 3);
    api_rows_end (rows);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    //  enough rows to grow the buffer many times
    for (int i = 0; i < 5000; i++) {
        api_rows_begin (rows);
        api_rows_int (rows, "i", i);
        api_rows_text (rows, "pad", "0123456789012345678901234567890123456789");
        api_rows_end (rows);
    }
    json_t *placeholder = api_rows_reply (&call, &rows);
    CHECK (rows == NULL && call.raw);
    json_decref (placeholder);

    json_error_t error;
    json_t *list = json_loads (call.raw, 0, &error);
    CHECK (list && json_is_array (list));
    CHECK (json_array_size (list) == 5002);
    json_t *first = json_array_get (list, 0);
    CHECK (streq (json_string_value (json_object_get (first, "name")), "say \"hi\" \\ \t\n\x01 caf\xc3\xa9"));
    CHECK (json_is_null (json_object_get (first, "none")));
    CHECK (json_integer_value (json_object_get (first, "big")) == INT64_MIN);
    CHECK (json_is_real (json_object_get (first, "whole")) && json_real_value (json_object_get (first, "whole")) == 2.0);
    CHECK (json_real_value (json_object_get (first, "third")) == 1.0 / 3.0);
    CHECK (json_is_null (json_object_get (first, "nan")));
    json_t *second = json_array_get (list, 1);
    CHECK (json_integer_value (json_object_get (second, "i")) == 7);
    CHECK (json_real_value (json_object_get (second, "r")) == 0.25);
    CHECK (streq (json_string_value (json_object_get (second, "t")), "text"));
    CHECK (json_is_null (json_object_get (second, "n")));
    CHECK (json_integer_value (json_object_get (json_array_get (list, 5001), "i")) == 4999);
    json_decref (list);

    //  an empty list is []
    rows = api_rows_new ();
    json_decref (api_rows_reply (&call, &rows));
    CHECK (streq (call.raw, "[]"));
    free (call.raw);
    TESTS_DONE ();
}
