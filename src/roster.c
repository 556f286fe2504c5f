#include "consentgen/roster.h"
