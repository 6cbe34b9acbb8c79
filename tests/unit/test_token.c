/*  vd_token: round trip, and every kind of garbage refused.  */
#include "testing.h"

int
main (void)
{
    CHECK (sodium_init () >= 0);
    vd_token_t token = { .expires_us = 1763683200000000LL };
    strcpy (token.endpoint, "tcp://10.0.0.5:7440");
    strcpy (token.server_key, "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
    strcpy (token.public_key, "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID");
    strcpy (token.secret_key, "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs");
    strcpy (token.name, "p1");
    strcpy (token.site, "hq");
    char *text = vd_token_encode (&token);
    CHECK (strncmp (text, "vdt1.", 5) == 0);
    CHECK (strpbrk (text + 5, "+/=") == NULL);     //  URL- and shell-safe
    vd_token_t back;
    const char *error = NULL;
    CHECK (vd_token_decode (text, &back, &error) == 0 && !error);
    CHECK (streq (back.endpoint, token.endpoint) && streq (back.server_key, token.server_key));
    CHECK (streq (back.public_key, token.public_key) && streq (back.secret_key, token.secret_key));
    CHECK (streq (back.name, "p1") && streq (back.site, "hq"));
    CHECK (back.expires_us == token.expires_us);
    vd_token_wipe (&back);
    CHECK (back.secret_key [0] == 0);

    CHECK (vd_token_decode ("garbage", &back, &error) == -1 && strstr (error, "vdt1"));
    CHECK (vd_token_decode (NULL, &back, &error) == -1);
    CHECK (vd_token_decode ("vdt1.!!!!", &back, &error) == -1 && strstr (error, "base64"));
    CHECK (vd_token_decode ("vdt1.e30", &back, &error) == -1);          //  {}
    char *cut = strdup (text);
    cut [strlen (cut) - 4] = 0;
    CHECK (vd_token_decode (cut, &back, &error) == -1);
    free (cut);
    //  a key of the wrong length
    strcpy (token.server_key, "short");
    char *wrong = vd_token_encode (&token);
    CHECK (vd_token_decode (wrong, &back, &error) == -1);
    free (wrong);
    char *huge = malloc (10000);
    memset (huge, 'A', 9999);
    memcpy (huge, "vdt1.", 5);
    huge [9999] = 0;
    CHECK (vd_token_decode (huge, &back, &error) == -1 && strstr (error, "too long"));
    free (huge);
    free (text);
    TESTS_DONE ();
}
