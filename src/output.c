#include "consentgen/output.h"
