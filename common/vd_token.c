/*  vd_token: enrollment tokens.  */
#include "vedette.h"

#define TOKEN_PREFIX "vdt1."
#define TOKEN_MAX    4096

char *
vd_token_encode (const vd_token_t *token)
{
    json_t *json = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
        "endpoint", token->endpoint, "server", token->server_key,
        "public", token->public_key, "secret", token->secret_key,
        "name", token->name, "site", token->site,
        "expires", (json_int_t) token->expires_us);
    char *text = json_dumps (json, JSON_COMPACT);
    json_decref (json);
    size_t size = strlen (text);
    size_t encoded_size = sodium_base64_ENCODED_LEN (size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *result = malloc (strlen (TOKEN_PREFIX) + encoded_size);
    strcpy (result, TOKEN_PREFIX);
    sodium_bin2base64 (result + strlen (TOKEN_PREFIX), encoded_size, (const unsigned char *) text,
                       size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero (text, size);
    free (text);
    return result;
}

static int
s_copy (json_t *json, const char *name, char *dest, size_t size, size_t exact)
{
    const char *value = json_string_value (json_object_get (json, name));
    if (!value || strlen (value) >= size || (exact && strlen (value) != exact) || !*value)
        return -1;
    strcpy (dest, value);
    return 0;
}

int
vd_token_decode (const char *text, vd_token_t *token, const char **error)
{
    memset (token, 0, sizeof *token);
    if (!text || strncmp (text, TOKEN_PREFIX, strlen (TOKEN_PREFIX)) != 0) {
        *error = "not a vedette enrollment token (expected vdt1.)";
        return -1;
    }
    text += strlen (TOKEN_PREFIX);
    size_t size = strlen (text);
    if (size > TOKEN_MAX) {
        *error = "token too long";
        return -1;
    }
    unsigned char *decoded = malloc (size + 1);
    size_t decoded_size = 0;
    if (sodium_base642bin (decoded, size + 1, text, size, NULL, &decoded_size, NULL,
                           sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
        free (decoded);
        *error = "token is not valid base64url";
        return -1;
    }
    json_error_t json_error;
    json_t *json = json_loadb ((const char *) decoded, decoded_size, 0, &json_error);
    sodium_memzero (decoded, decoded_size);
    free (decoded);
    int rc = -1;
    *error = "token content is not valid";
    if (json_is_object (json)
    &&  s_copy (json, "endpoint", token->endpoint, sizeof token->endpoint, 0) == 0
    &&  s_copy (json, "server", token->server_key, sizeof token->server_key, 40) == 0
    &&  s_copy (json, "public", token->public_key, sizeof token->public_key, 40) == 0
    &&  s_copy (json, "secret", token->secret_key, sizeof token->secret_key, 40) == 0
    &&  s_copy (json, "name", token->name, sizeof token->name, 0) == 0
    &&  s_copy (json, "site", token->site, sizeof token->site, 0) == 0
    &&  json_is_integer (json_object_get (json, "expires"))) {
        token->expires_us = json_integer_value (json_object_get (json, "expires"));
        *error = NULL;
        rc = 0;
    }
    if (json) {
        json_t *secret = json_object_get (json, "secret");
        if (json_is_string (secret))
            sodium_memzero ((char *) json_string_value (secret), json_string_length (secret));
    }
    json_decref (json);
    if (rc)
        vd_token_wipe (token);
    return rc;
}

void
vd_token_wipe (vd_token_t *token)
{
    sodium_memzero (token->secret_key, sizeof token->secret_key);
}
