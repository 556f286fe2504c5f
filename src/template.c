#include "consentgen/template.h"
