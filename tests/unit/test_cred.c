/*  meshd/cred.c: a sealed credential opens with its key only, and not at
    all once a byte of it changed.  */
#include "testing.h"
#include "cred/cred.h"
#include <unistd.h>

int
main (void)
{
    CHECK (sodium_init () >= 0);
    char dir [] = "/tmp/test_cred.XXXXXX";
    CHECK (mkdtemp (dir) != NULL);
    CHECK (cred_key_load (dir) == NULL);            //  no key: refused
    char *path = zsys_sprintf ("%s/master.key", dir);
    CHECK (vd_file_write_atomic (path, "short", 5, 0600) == 0);
    CHECK (cred_key_load (dir) == NULL);            //  not a key: refused
    unsigned char raw [crypto_secretbox_KEYBYTES];
    crypto_secretbox_keygen (raw);
    CHECK (vd_file_write_atomic (path, raw, sizeof raw, 0600) == 0);
    unsigned char *key = cred_key_load (dir);
    CHECK (key != NULL);
    const char *secret = "{\"community\":\"s3cret\"}";
    size_t size;
    unsigned char *blob = cred_seal (key, secret, &size);
    CHECK (size == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + strlen (secret));
    CHECK (memmem (blob, size, "s3cret", 6) == NULL);
    char *text = cred_open (key, blob, size);
    CHECK (text && streq (text, secret));
    cred_free (&text);
    CHECK (text == NULL);
    //  sealed twice: different nonces, different boxes
    size_t size2;
    unsigned char *blob2 = cred_seal (key, secret, &size2);
    CHECK (size2 == size && memcmp (blob, blob2, size) != 0);
    //  one bit changed anywhere: refused
    for (size_t i = 0; i < size; i += 7) {
        blob [i] ^= 0x01;
        CHECK (cred_open (key, blob, size) == NULL);
        blob [i] ^= 0x01;
    }
    CHECK (cred_open (key, blob, 10) == NULL);      //  too short
    //  another key: refused
    unsigned char other [crypto_secretbox_KEYBYTES];
    crypto_secretbox_keygen (other);
    CHECK (cred_open (other, blob, size) == NULL);
    free (blob);
    free (blob2);
    cred_key_free (&key);
    CHECK (key == NULL);
    unlink (path);
    rmdir (dir);
    free (path);
    TESTS_DONE ();
}
