/*
 * scan: the one C++ file, a C face for zxing-cpp (1.4, Apache-2.0), which reads the QR codes of a page
 * (docs/scanning.md says why zxing-cpp and not zbar). ZX_USE_UTF8 makes Result::text() UTF-8; without
 * it zxing-cpp 1.4 converts through std::wstring and can abort with std::length_error. Only QR codes are
 * searched for, in all four orientations, with zxing-cpp's "try harder", and its downscaled passes when
 * the page at its own resolution has none.
 */
#define ZX_USE_UTF8 1

#include "scan_int.h"

#include <cstring>

#include <ZXing/ReadBarcode.h>

extern "C" size_t
scan_zxing_read(const unsigned char *grey, int width, int height, int stride, struct scan_raw_code *out,
                size_t max)
{
    size_t n = 0;
    try {
        ZXing::ImageView  image(grey, width, height, ZXing::ImageFormat::Lum, stride);
        ZXing::DecodeHints hints;
        hints.setFormats(ZXing::BarcodeFormat::QRCode);
        hints.setTryHarder(true);
        hints.setTryRotate(true);
        /*
         * zxing-cpp searches every layer of its downscaled pyramid until it has found the most symbols
         * asked for, which is never on a page of slips: the smaller layers only once the page itself
         * gave nothing.
         */
        hints.setTryDownscale(false);
        hints.setMaxNumberOfSymbols(max > 255 ? 255 : static_cast<uint8_t>(max));
        ZXing::Results found = ZXing::ReadBarcodes(image, hints);
        if (found.empty()) {
            hints.setTryDownscale(true);
            found = ZXing::ReadBarcodes(image, hints);
        }
        for (const ZXing::Result &r : found) {
            if (n >= max)
                break;
            if (!r.isValid())
                continue;
            struct scan_raw_code *c = &out[n++];
            std::string           text = r.text();
            c->is_truncated = text.size() >= sizeof c->text;
            size_t len = c->is_truncated ? sizeof c->text - 1 : text.size();
            std::memcpy(c->text, text.data(), len);
            c->text[len] = '\0';
            const ZXing::Position &pos = r.position();
            for (int i = 0; i < 4; i++) {
                c->x[i] = pos[i].x;
                c->y[i] = pos[i].y;
            }
        }
    } catch (...) {
        // A library failure on a strange image is "no code here", never a crash of the whole run.
        return n;
    }
    return n;
}
