/*  console/view/list.c: what the list views share: columns that fit the
    terminal, headers that sort, rows with their colours and the selection,
    the footer that says what is shown, and the keys that move.          */
#include "view.h"
#include <math.h>

const char *view_blocks [8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };

list_t *
view_list (tui_t *tui)
{
    return &tui->list [tui->view];
}

json_t *
view_selected (tui_t *tui, json_t *data)
{
    list_t *list = view_list (tui);
    if (list->nrows == 0)
        return NULL;
    return json_array_get (data, list->rows [list->selected]);
}

const char *
view_str (json_t *object, const char *key)
{
    const char *text = json_string_value (json_object_get (object, key));
    return text? text: "";
}

//  Text of one cell of a list row
static void
s_cell (json_t *row, const vcol_t *col, char *buf, size_t size)
{
    column_t column = { col->key, col->header, col->kind };
    char *text = table_cell (row, &column);
    snprintf (buf, size, "%s", text);
    free (text);
}

//  Widths of the columns shown at this terminal width; the flexible one
//  takes what is left. Returns how many columns there are.
static int
s_widths (const vcol_t *cols, int *widths, int x0)
{
    int used = x0, flexible = -1, n;
    for (n = 0; cols [n].header; n++) {
        widths [n] = COLS >= cols [n].min_cols? cols [n].width: -1;
        if (widths [n] == 0)
            flexible = n;
        if (widths [n] > 0)
            used += widths [n] + 1;
    }
    if (flexible >= 0)
        widths [flexible] = COLS - used - 1 > 8? COLS - used - 1: 8;
    return n;
}

static void
s_headers (tui_t *tui, const vcol_t *cols, const int *widths, int x, int y)
{
    list_t *list = view_list (tui);
    attron (tui->attr [C_HEADER]);
    mvhline (y, 0, ' ', COLS);
    attroff (tui->attr [C_HEADER]);
    for (int c = 0; cols [c].header; c++) {
        if (widths [c] < 0)
            continue;
        char header [64];
        snprintf (header, sizeof header, "%s%s", cols [c].header,
                  c == list->sort? (list->descending? "▼": "▲"): "");
        tui_put (y, x, widths [c], header, tui->attr [C_HEADER]);
        x += widths [c] + 1;
    }
}

//  Keeps the selected row in the window of height rows
static void
s_scroll_into_view (list_t *list, int height)
{
    if (list->selected < list->top)
        list->top = list->selected;
    if (list->selected >= list->top + height)
        list->top = list->selected - height + 1;
    if (list->top < 0)
        list->top = 0;
}

//  "2 of 10 · filter /core/ · site=hq"
static void
s_list_footer (tui_t *tui, json_t *data, const char *what)
{
    list_t *list = view_list (tui);
    char text [300];
    size_t used = snprintf (text, sizeof text, "%zu of %zu %s", list->nrows, json_array_size (data), what);
    if (*list->filter)
        used += snprintf (text + used, sizeof text - used, " · /%s", list->filter);
    for (int f = 0; f < list->nfields && used < sizeof text; f++)
        used += snprintf (text + used, sizeof text - used, " · %s=%s", list->field_key [f], list->field_value [f]);
    tui_put (LINES - 2, COLS > 40? COLS - 40: 0, 40, text, tui->attr [C_DIM]);
}

//  A generic comparison: numbers as numbers, text as text, missing last
int
view_compare (json_t *a, json_t *b)
{
    if (!a || json_is_null (a))
        return b && !json_is_null (b)? 1: 0;
    if (!b || json_is_null (b))
        return -1;
    if (json_is_number (a) && json_is_number (b)) {
        double x = json_number_value (a), y = json_number_value (b);
        return x < y? -1: x > y;
    }
    if (json_is_string (a) && json_is_string (b))
        return strcasecmp (json_string_value (a), json_string_value (b));
    return 0;
}

//  Draws a list: headers, rows (cells, colours, the selection), footer.
//  cell: draws a column that has no key (returns false to use the key).
void
view_draw_list (tui_t *tui, json_t *data, const vcol_t *cols, const char *what,
             bool (*cell) (tui_t *tui, json_t *row, int c, int y, int x, int width), int height)
{
    list_t *list = view_list (tui);
    int widths [COLS_MAX];
    s_widths (cols, widths, 0);
    s_headers (tui, cols, widths, 0, 1);
    if (height <= 0 || height > tui_body_height () - 1)
        height = tui_body_height () - 1;
    s_scroll_into_view (list, height);
    //  for the mouse: the header sorts, a row selects
    layout_t *layout = &tui->layout;
    layout->list = list;
    layout->header_y = 1;
    layout->first_y = 2;
    layout->rows = height;
    for (int c = 0, at = 0; c < COLS_MAX; c++) {
        bool shown = cols [c].header && widths [c] >= 0;
        layout->col_x [c] = at;
        layout->col_end [c] = shown? at + widths [c] + 1: 0;
        if (shown)
            at += widths [c] + 1;
        if (!cols [c].header)
            break;
    }
    for (int r = 0; r < height && list->top + r < (int) list->nrows; r++) {
        json_t *row = json_array_get (data, list->rows [list->top + r]);
        int y = 2 + r;
        bool selected = list->top + r == list->selected;
        if (selected) {
            attron (tui->attr [C_SELECT]);
            mvhline (y, 0, ' ', COLS);
            attroff (tui->attr [C_SELECT]);
        }
        int x = 0;
        for (int c = 0; cols [c].header; c++) {
            if (widths [c] < 0)
                continue;
            if (!(cell && cell (tui, row, c, y, x, widths [c]))) {
                char text [256];
                s_cell (row, &cols [c], text, sizeof text);
                attr_t attr = cols [c].kind == COL_STATUS? tui_status_attr (tui, view_str (row, cols [c].key))
                                                         : A_NORMAL;
                column_kind_t kind = cols [c].kind;
                if (kind == COL_INT || kind == COL_MS || kind == COL_PERCENT || kind == COL_RATE
                ||  kind == COL_BPS || kind == COL_MICROS || kind == COL_OFFSET) {
                    int w = (int) strlen (text);        //  numbers to the right
                    tui_put (y, x + (w < widths [c]? widths [c] - w: 0), widths [c], text,
                             selected? tui->attr [C_SELECT]: attr);
                }
                else
                    tui_put (y, x, widths [c], text, selected? tui->attr [C_SELECT] | (attr & A_BOLD): attr);
            }
            x += widths [c] + 1;
        }
    }
    if (list->nrows == 0)
        tui_put (3, 2, COLS - 4, json_array_size (data)? "nothing matches the filter (/ to change it)"
                                                       : "nothing here yet", tui->attr [C_DIM]);
    s_list_footer (tui, data, what);
}

//  Text of a row for the filter: every column's text
char *
view_row_text (json_t *row, const vcol_t *cols)
{
    char *text = (char *) zmalloc (1024);
    size_t used = 0;
    for (int c = 0; cols [c].header && used < 1000; c++) {
        if (!cols [c].key)
            continue;
        char cell [256];
        s_cell (row, &cols [c], cell, sizeof cell);
        used += snprintf (text + used, 1024 - used, "%s ", cell);
    }
    return text;
}

void
view_sparkline (tui_t *tui, spark_t *spark, int y, int x, int width, bool selected)
{
    if (!spark || spark->count == 0)
        return;
    float low = INFINITY, high = 0;
    for (int i = 0; i < spark->count; i++)
        if (!isnan (spark->value [i])) {
            low = spark->value [i] < low? spark->value [i]: low;
            high = spark->value [i] > high? spark->value [i]: high;
        }
    int shown = spark->count < width? spark->count: width;
    char text [SPARK_SIZE * 4 + 1] = "";
    size_t used = 0;
    for (int i = spark->count - shown; i < spark->count; i++) {
        int at = (spark->next - spark->count + i + SPARK_SIZE) % SPARK_SIZE;
        float value = spark->value [at];
        const char *glyph = "·";
        if (!isnan (value)) {
            int level = high > low? (int) ((value - low) / (high - low) * 7.0f + 0.5f): 0;
            glyph = view_blocks [level < 0? 0: level > 7? 7: level];
        }
        used += snprintf (text + used, sizeof text - used, "%s", glyph);
    }
    tui_put (y, x, width, text, selected? tui->attr [C_SELECT]: tui->attr [C_ACCENT]);
}


json_t *
view_find (json_t *list, const char *key, json_t *value, size_t *at)
{
    size_t index;
    json_t *row;
    json_array_foreach (list, index, row)
        if (json_equal (json_object_get (row, key), value)) {
            if (at)
                *at = index;
            return row;
        }
    return NULL;
}

void view_down (tui_t *tui) { tui_move (tui, view_list (tui), 1); }
void view_up (tui_t *tui) { tui_move (tui, view_list (tui), -1); }
void view_page_down (tui_t *tui) { tui_move (tui, view_list (tui), tui_body_height () - 2); }
void view_page_up (tui_t *tui) { tui_move (tui, view_list (tui), -(tui_body_height () - 2)); }
void view_home (tui_t *tui) { tui_move (tui, view_list (tui), -1000000000); }
void view_end (tui_t *tui) { tui_move (tui, view_list (tui), 1000000000); }

void view_scroll_down (tui_t *tui) { tui->scroll += tui_body_height () - 2; }
void view_scroll_up (tui_t *tui)
{
    tui->scroll -= tui_body_height () - 2;
    if (tui->scroll < 0)
        tui->scroll = 0;
}
