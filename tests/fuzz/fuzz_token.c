/*
 * libFuzzer harness for the return-slip code reader (form_token_read): the input is the text of a QR
 * code found on a scanned page, any bytes. A text read as a token must be 12 characters of the
 * alphabet, and must read back to itself as printed ("K7M2-9QXD-4TB5") and as in the QR code ("CG1-").
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "consentgen/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char token[FORM_TOKEN_LEN + 1];
    if (form_token_read(text, token) == FORM_TOKEN_OK) {
        if (strlen(token) != FORM_TOKEN_LEN || strspn(token, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") != FORM_TOKEN_LEN)
            abort();
        char grouped[FORM_TOKEN_LEN + 3], again[FORM_TOKEN_LEN + 1], qr[FORM_TOKEN_LEN + 8];
        form_token_grouped(token, grouped);
        if (form_token_read(grouped, again) != FORM_TOKEN_OK || strcmp(again, token) != 0)
            abort();
        memcpy(qr, FORM_TOKEN_QR_PREFIX, 4);
        memcpy(qr + 4, token, FORM_TOKEN_LEN + 1);
        if (form_token_read(qr, again) != FORM_TOKEN_OK || strcmp(again, token) != 0)
            abort();
    }
    free(text);
    return 0;
}
