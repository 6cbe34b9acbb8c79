/*  libFuzzer target: the enrollment token decoder (pasted by a person).  */
#include "vedette.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *text = malloc (size + 6);
    memcpy (text, "vdt1.", 5);
    memcpy (text + 5, data, size);
    text [size + 5] = 0;
    vd_token_t token;
    const char *error;
    if (vd_token_decode (text + (size && data [0] == '!'? 5: 0), &token, &error) == 0)
        vd_token_wipe (&token);
    free (text);
    return 0;
}
