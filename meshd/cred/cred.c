/*  meshd/cred/cred.c: sealing credentials with the master key.  */
#include "cred/cred.h"

unsigned char *
cred_key_load (const char *dir)
{
    char *path = zsys_sprintf ("%s/master.key", dir);
    size_t size = 0;
    char *raw = vd_file_read (path, &size);
    unsigned char *key = NULL;
    if (!raw || size != crypto_secretbox_KEYBYTES)
        zsys_error ("cred: %s: missing or not a key (vedette-meshd init makes one)", path);
    else {
        key = (unsigned char *) sodium_malloc (crypto_secretbox_KEYBYTES);
        if (key) {
            memcpy (key, raw, crypto_secretbox_KEYBYTES);
            sodium_mprotect_readonly (key);
        }
    }
    if (raw)
        sodium_memzero (raw, size);
    free (raw);
    free (path);
    return key;
}

void
cred_key_free (unsigned char **key_p)
{
    if (*key_p)
        sodium_free (*key_p);
    *key_p = NULL;
}

unsigned char *
cred_seal (const unsigned char *key, const char *text, size_t *size)
{
    size_t length = strlen (text);
    *size = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + length;
    unsigned char *blob = (unsigned char *) malloc (*size);
    randombytes_buf (blob, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy (blob + crypto_secretbox_NONCEBYTES, (const unsigned char *) text,
                           length, blob, key);
    return blob;
}

char *
cred_open (const unsigned char *key, const void *blob, size_t size)
{
    if (size < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return NULL;
    const unsigned char *bytes = (const unsigned char *) blob;
    size_t length = size - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    char *text = (char *) malloc (length + 1);
    if (crypto_secretbox_open_easy ((unsigned char *) text, bytes + crypto_secretbox_NONCEBYTES,
                                    size - crypto_secretbox_NONCEBYTES, bytes, key)) {
        free (text);
        return NULL;
    }
    text [length] = 0;
    return text;
}

void
cred_free (char **text_p)
{
    if (*text_p) {
        sodium_memzero (*text_p, strlen (*text_p));
        free (*text_p);
    }
    *text_p = NULL;
}
