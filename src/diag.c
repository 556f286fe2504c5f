#include "consentgen/diag.h"
