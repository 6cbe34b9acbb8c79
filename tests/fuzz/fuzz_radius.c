/*  Fuzz target: probe/accounting/packet.c on any datagram. The check never
    reads past it and passes only what the decoder can walk; a request
    signed with the secret, whatever its attributes, decodes into a record
    whose text is valid UTF-8 JSON; the response is always 20 bytes.       */
#include "../../probe/accounting/accounting.h"

static radius_dictionary_t *s_dictionary;

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_dictionary) {
        char *text = vd_file_read ("data/radius/dictionary", NULL);
        char *error = NULL;
        s_dictionary = text? radius_dictionary_new (text, &error): NULL;
        assert (s_dictionary);
        free (text);
    }
    const char *why;
    //  unsigned: the structure only; then as a NAS with a secret would
    radius_check_t check = radius_packet_check (data, size, NULL, &why);
    assert ((check == RADIUS_OK) == (why == NULL));
    if (check == RADIUS_OK) {
        json_t *record = radius_packet_decode (s_dictionary, data, size);
        assert (record && json_object_get (record, "status") && json_object_get (record, "attributes"));
        char *text = json_dumps (record, JSON_COMPACT);
        assert (text);
        json_t *again = json_loads (text, 0, NULL);
        assert (again);
        json_decref (again);
        free (text);
        json_decref (record);
        uint8_t response [RADIUS_HEADER];
        radius_packet_response (data, "testing123", response);
        assert (response [0] == 5 && response [1] == data [1]);
    }
    radius_packet_check (data, size, "testing123", &why);
    //  a dictionary from the same bytes: an error or a dictionary, never a crash
    char *text = strndup ((const char *) data, size);
    char *error = NULL;
    radius_dictionary_t *dictionary = radius_dictionary_new (text, &error);
    assert (dictionary || error);
    radius_dictionary_destroy (&dictionary);
    free (error);
    free (text);
    return 0;
}
