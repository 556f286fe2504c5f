#include "consentgen/pdf.h"
