#include "consentgen/form.h"
