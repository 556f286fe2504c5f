/* Smoke test of leptonica with libtiff, libjpeg and libpng (built with --with-scan): makes a page
 * with a few black boxes, writes it as G4 TIFF, PNG and JPEG, reads each back and prints what it
 * read, for comparison with the same program built on Linux.
 *
 *   smoke_scan DIR
 */
#include <leptonica/allheaders.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: smoke_scan DIR\n");
        return 2;
    }
    setMsgSeverity(L_SEVERITY_NONE);
    PIX *page = pixCreate(850, 1100, 1);
    for (int i = 0; i < 5; i++)
        pixRasterop(page, 100 + 120 * i, 200 + 40 * i, 60, 60, PIX_SET, NULL, 0, 0);
    static const struct {
        const char *name;
        int         format;
    } kinds[] = {{"page.tif", IFF_TIFF_G4}, {"page.png", IFF_PNG}, {"page.jpg", IFF_JFIF_JPEG}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", argv[1], kinds[k].name);
        PIX *out = kinds[k].format == IFF_JFIF_JPEG ? pixConvertTo8(page, 0) : pixClone(page);
        if (pixWrite(path, out, kinds[k].format) != 0) {
            fprintf(stderr, "cannot write %s\n", path);
            return 1;
        }
        pixDestroy(&out);
        PIX *in = pixRead(path);
        if (!in) {
            fprintf(stderr, "cannot read %s\n", path);
            return 1;
        }
        PIX    *bin = pixConvertTo1(in, 128);
        l_int32 black = 0;
        pixCountPixels(bin, &black, NULL);
        printf("leptonica %s: %d x %d, %d bpp read, %d black pixels\n", kinds[k].name, pixGetWidth(in),
               pixGetHeight(in), pixGetDepth(in), black);
        pixDestroy(&bin);
        pixDestroy(&in);
    }
    pixDestroy(&page);
    printf("leptonica: %s\n", getImagelibVersions());
    return 0;
}
