#include "consentgen/layout.h"
