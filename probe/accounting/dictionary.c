/*  probe/accounting/dictionary.c: the RADIUS attribute dictionary, read
    from text in FreeRADIUS's format (so a vendor's attributes are added by
    copying their lines from FreeRADIUS's own dictionaries):

        ATTRIBUTE   NAME  NUMBER  TYPE
        VALUE       ATTRIBUTE  NAME  NUMBER
        VENDOR      NAME  ID
        BEGIN-VENDOR NAME ... END-VENDOR   (the ATTRIBUTEs between are its)

    Comments start with #. The shipped one is data/radius/dictionary.      */
#include "accounting/accounting.h"

typedef struct {
    const radius_attribute_t *attribute;
    uint32_t number;
    char *name;
} value_t;

struct _radius_dictionary_t {
    zhashx_t *attributes;       //  "vendor/number" -> radius_attribute_t
    zhashx_t *by_name;          //  name -> radius_attribute_t (not owned)
    zhashx_t *vendors;          //  name -> id, as text
    zhashx_t *values;           //  "vendor/number/value" -> value_t
};

static void
s_attribute_destroy (radius_attribute_t **self_p)
{
    if (*self_p) {
        free ((*self_p)->name);
        free (*self_p);
        *self_p = NULL;
    }
}

static void
s_value_destroy (value_t **self_p)
{
    if (*self_p) {
        free ((*self_p)->name);
        free (*self_p);
        *self_p = NULL;
    }
}

static bool
s_type (const char *text, radius_type_t *type)
{
    static const char *names [] = { "string", "octets", "integer", "date", "ipaddr", "ipv6addr",
                                    "ipv6prefix", "ifid" };
    for (size_t i = 0; i < sizeof names / sizeof names [0]; i++)
        if (streq (text, names [i])) {
            *type = (radius_type_t) i;
            return true;
        }
    return false;
}

//  A decimal number up to max; false if it is not one
static bool
s_number (const char *text, uint64_t max, uint64_t *number)
{
    char *end;
    if (!text || !isdigit ((unsigned char) *text))
        return false;
    unsigned long long value = strtoull (text, &end, 10);
    if (*end || value > max)
        return false;
    *number = value;
    return true;
}

//  One line, split into words; false and *error if it is wrong
static bool
s_line (radius_dictionary_t *self, char *line, uint32_t *vendor, char **error)
{
    char *words [5] = { NULL };
    int count = 0;
    for (char *word = strtok (line, " \t\r"); word && count < 5; word = strtok (NULL, " \t\r")) {
        if (*word == '#')
            break;
        words [count++] = word;
    }
    if (count == 0)
        return true;
    uint64_t number = 0, value = 0;
    char key [48];
    if (streq (words [0], "ATTRIBUTE")) {
        radius_type_t type;
        if (count < 4 || !s_number (words [2], 255, &number) || number == 0 || !s_type (words [3], &type)) {
            *error = zsys_sprintf ("ATTRIBUTE NAME NUMBER (1-255) TYPE: %s", words [1]? words [1]: "");
            return false;
        }
        radius_attribute_t *attribute = (radius_attribute_t *) zmalloc (sizeof (radius_attribute_t));
        attribute->name = strdup (words [1]);
        attribute->vendor = *vendor;
        attribute->number = (uint8_t) number;
        attribute->type = type;
        snprintf (key, sizeof key, "%u/%u", (unsigned) *vendor, (unsigned) number);
        zhashx_update (self->attributes, key, attribute);       //  a later line wins
        zhashx_update (self->by_name, attribute->name, attribute);
    }
    else
    if (streq (words [0], "VALUE")) {
        const radius_attribute_t *attribute = count >= 4? (const radius_attribute_t *)
                                              zhashx_lookup (self->by_name, words [1]): NULL;
        if (!attribute || attribute->type != RADIUS_INTEGER || !s_number (words [3], UINT32_MAX, &value)) {
            *error = zsys_sprintf ("VALUE ATTRIBUTE NAME NUMBER, of an integer ATTRIBUTE above: %s",
                                   words [1]? words [1]: "");
            return false;
        }
        value_t *named = (value_t *) zmalloc (sizeof (value_t));
        named->attribute = attribute;
        named->number = (uint32_t) value;
        named->name = strdup (words [2]);
        snprintf (key, sizeof key, "%u/%u/%u", (unsigned) attribute->vendor, attribute->number, (unsigned) value);
        zhashx_update (self->values, key, named);
    }
    else
    if (streq (words [0], "VENDOR")) {
        if (count < 3 || !s_number (words [2], UINT32_MAX, &number) || number == 0) {
            *error = zsys_sprintf ("VENDOR NAME ID: %s", words [1]? words [1]: "");
            return false;
        }
        zhashx_update (self->vendors, words [1], (void *) (uintptr_t) number);
    }
    else
    if (streq (words [0], "BEGIN-VENDOR")) {
        void *id = count >= 2? zhashx_lookup (self->vendors, words [1]): NULL;
        if (!id) {
            *error = zsys_sprintf ("BEGIN-VENDOR of a VENDOR not named above: %s", words [1]? words [1]: "");
            return false;
        }
        *vendor = (uint32_t) (uintptr_t) id;
    }
    else
    if (streq (words [0], "END-VENDOR"))
        *vendor = 0;
    else {
        *error = zsys_sprintf ("%s is not ATTRIBUTE, VALUE, VENDOR, BEGIN-VENDOR or END-VENDOR", words [0]);
        return false;
    }
    return true;
}

radius_dictionary_t *
radius_dictionary_new (const char *text, char **error)
{
    *error = NULL;
    radius_dictionary_t *self = (radius_dictionary_t *) zmalloc (sizeof (radius_dictionary_t));
    self->attributes = zhashx_new ();
    zhashx_set_destructor (self->attributes, (zhashx_destructor_fn *) s_attribute_destroy);
    self->by_name = zhashx_new ();
    self->vendors = zhashx_new ();
    self->values = zhashx_new ();
    zhashx_set_destructor (self->values, (zhashx_destructor_fn *) s_value_destroy);
    char *copy = strdup (text);
    uint32_t vendor = 0;
    int number = 0;
    bool ok = true;
    for (char *line = copy, *next; ok && line; line = next) {
        next = strchr (line, '\n');
        if (next)
            *next++ = 0;
        number++;
        ok = s_line (self, line, &vendor, error);
    }
    free (copy);
    if (!ok) {
        char *located = zsys_sprintf ("line %d: %s", number, *error);
        free (*error);
        *error = located;
        radius_dictionary_destroy (&self);
    }
    return self;
}

void
radius_dictionary_destroy (radius_dictionary_t **self_p)
{
    radius_dictionary_t *self = *self_p;
    if (self) {
        zhashx_destroy (&self->by_name);
        zhashx_destroy (&self->values);
        zhashx_destroy (&self->attributes);
        zhashx_destroy (&self->vendors);
        free (self);
        *self_p = NULL;
    }
}

const radius_attribute_t *
radius_dictionary_find (const radius_dictionary_t *self, uint32_t vendor, uint8_t number)
{
    char key [32];
    snprintf (key, sizeof key, "%u/%u", (unsigned) vendor, number);
    return (const radius_attribute_t *) zhashx_lookup (self->attributes, key);
}

const char *
radius_dictionary_value (const radius_dictionary_t *self, const radius_attribute_t *attribute, uint32_t value)
{
    char key [48];
    snprintf (key, sizeof key, "%u/%u/%u", (unsigned) attribute->vendor, attribute->number, (unsigned) value);
    value_t *named = (value_t *) zhashx_lookup (self->values, key);
    return named? named->name: NULL;
}
