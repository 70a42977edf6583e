#ifndef OCOP_CQRENCODE_SHIM_H
#define OCOP_CQRENCODE_SHIM_H
// The system's libqrencode (Debian libqrencode-dev): QR codes for lot labels, so no one here
// maintains a Reed–Solomon encoder.
#include <qrencode.h>
#endif
