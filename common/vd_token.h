/*  vd_token: the one-time enrollment token a probe joins with.

    "vdt1." followed by base64url of a JSON object: meshd's endpoint and
    public key, a client keypair made for this probe alone, the probe's name
    and site, and when it expires. The token is a secret until used; the
    probe replaces the keypair on first contact, which retires it.          */
#ifndef VD_TOKEN_H_INCLUDED
#define VD_TOKEN_H_INCLUDED

#include <stdint.h>

typedef struct {
    char endpoint [256];        //  where meshd's mesh socket listens
    char server_key [41];       //  meshd's CURVE public key, Z85
    char public_key [41];       //  the token's client public key, Z85
    char secret_key [41];       //  the token's client secret key, Z85
    char name [64];             //  the probe's name
    char site [64];             //  the probe's site
    int64_t expires_us;         //  µs since the epoch
} vd_token_t;

//  Encodes a token; the result is the caller's (free).
char *vd_token_encode (const vd_token_t *token);
//  Decodes text into token. Returns 0, or -1 with *error set to a static
//  reason (malformed, wrong version, missing field). Expiry is not checked.
int vd_token_decode (const char *text, vd_token_t *token, const char **error);
//  Wipes a token's secret.
void vd_token_wipe (vd_token_t *token);

#endif
