/*  meshd/cred/cred.h: credentials sealed at rest with the master key
    (crypto_secretbox). The key lives in guarded memory (sodium_malloc,
    locked, no core dumps); opened secrets are wiped when freed.           */
#ifndef MESHD_CRED_H_INCLUDED
#define MESHD_CRED_H_INCLUDED

#include "vedette.h"

//  Loads DIR/master.key into guarded memory; NULL (logged) if it is
//  missing or not a key. cred_key_free releases it.
unsigned char *cred_key_load (const char *dir);
void cred_key_free (unsigned char **key_p);
//  Seals text: nonce || box. Returns the blob (caller frees), *size its size.
unsigned char *cred_seal (const unsigned char *key, const char *text, size_t *size);
//  The same for length bytes of data
unsigned char *cred_seal_data (const unsigned char *key, const void *data, size_t length, size_t *size);
//  Opens a blob; the text (free with cred_free), or NULL if it was altered
//  or sealed with another key.
char *cred_open (const unsigned char *key, const void *blob, size_t size);
//  The same for data: *length its size (a NUL follows it). Caller frees.
void *cred_open_data (const unsigned char *key, const void *blob, size_t size, size_t *length);
//  Opens a credential (its JSON secret) into creds under its name, once;
//  one that does not open is logged and left out
void cred_open_into (const unsigned char *key, json_t *creds, const char *name, const void *sealed, size_t size);
//  Wipes and frees an opened text; accepts NULL.
void cred_free (char **text_p);

#endif
