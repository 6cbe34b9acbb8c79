/*  console/view/help.c: the keys of the view it was opened from and of
    every view, and the ":" commands, from the same tables that handle
    them.                                                                 */
#include "view.h"

static void
s_help_table (tui_t *tui, const binding_t *table, int *line)
{
    for (const binding_t *binding = table; binding && binding->fn; binding++) {
        if (!binding->keys || (binding->write && !tui->writer))
            continue;
        int y = 1 + *line - tui->scroll;
        (*line)++;
        if (y < 2 || y >= LINES - 2)
            continue;
        tui_put (y, 4, 14, binding->keys, A_BOLD);
        tui_put (y, 20, COLS - 21, binding->help, A_NORMAL);
    }
}

//  A title across the screen, if that line is shown
static void
s_help_rule (tui_t *tui, int *line, const char *title)
{
    int y = 1 + *line - tui->scroll;
    if (y >= 1 && y < LINES - 2)
        tui_rule (tui, y, title);
    (*line)++;
}

static void
s_help_commands (tui_t *tui, int *line)
{
    for (const tui_command_t *command = tui_commands; command->name; command++) {
        if (command->write && !tui->writer)
            continue;
        int y = 1 + *line - tui->scroll;
        (*line)++;
        if (y < 2 || y >= LINES - 2)
            continue;
        char text [96];
        snprintf (text, sizeof text, ":%s%s%s", command->name, command->args? " ": "",
                  command->args? command->args: "");
        int width = tui_put (y, 4, COLS / 2 - 4, text, A_BOLD);
        int x = 4 + (width > 34? width + 2: 36);
        tui_put (y, x, COLS - x - 1, command->help, A_NORMAL);
    }
}

static void
s_draw_help (tui_t *tui)
{
    //  the view we came from
    view_id_t from = tui->nback? tui->back [tui->nback - 1].view: VIEW_OVERVIEW;
    int line = 0;
    char title [96];
    snprintf (title, sizeof title, "Keys of %s%s", tui_views [from]->title,
              tui->writer? "": " (a viewer: what changes things is hidden)");
    s_help_rule (tui, &line, title);
    s_help_table (tui, tui_views [from]->keys, &line);
    line++;
    s_help_rule (tui, &line, "Keys of every view");
    s_help_table (tui, tui_global_keys, &line);
    line++;
    s_help_rule (tui, &line, "Commands (: then Tab completes)");
    s_help_commands (tui, &line);
}

static const binding_t s_help_keys [] = {
    { 'j', KEY_DOWN, "j/k", "scroll", view_scroll_down, false },
    { 'k', KEY_UP, NULL, NULL, view_scroll_up, false },
    { 0 }
};

const view_t view_help = { "help", "Help", s_draw_help, s_help_keys, false, NULL };
