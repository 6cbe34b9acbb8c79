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
cred_seal_data (const unsigned char *key, const void *data, size_t length, size_t *size)
{
    *size = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + length;
    unsigned char *blob = (unsigned char *) malloc (*size);
    randombytes_buf (blob, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy (blob + crypto_secretbox_NONCEBYTES, (const unsigned char *) data,
                           length, blob, key);
    return blob;
}

unsigned char *
cred_seal (const unsigned char *key, const char *text, size_t *size)
{
    return cred_seal_data (key, text, strlen (text), size);
}

void *
cred_open_data (const unsigned char *key, const void *blob, size_t size, size_t *length)
{
    if (size < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return NULL;
    const unsigned char *bytes = (const unsigned char *) blob;
    *length = size - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    unsigned char *data = (unsigned char *) malloc (*length + 1);
    if (crypto_secretbox_open_easy (data, bytes + crypto_secretbox_NONCEBYTES,
                                    size - crypto_secretbox_NONCEBYTES, bytes, key)) {
        free (data);
        return NULL;
    }
    data [*length] = 0;
    return data;
}

char *
cred_open (const unsigned char *key, const void *blob, size_t size)
{
    size_t length;
    return (char *) cred_open_data (key, blob, size, &length);
}

void
cred_open_into (const unsigned char *key, json_t *creds, const char *name, const void *sealed, size_t size)
{
    if (json_object_get (creds, name))
        return;
    char *text = key? cred_open (key, sealed, size): NULL;
    json_t *secret = text? json_loads (text, 0, NULL): NULL;
    cred_free (&text);
    if (secret)
        json_object_set_new (creds, name, secret);
    else
        zsys_error ("cred: credential %s cannot be opened with this master key", name);
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
