/*
 * static.c — the console: the files of web/dist, embedded in the binary at build time
 * (tools/embed.c), served by path. A path that names no file gets index.html, so
 * the console's own router can handle it (a single-page application), except under
 * /assets/, where a missing file is a plain 404: Vite's hashed bundles are never
 * guessed, and an HTML page in place of a script only confuses the browser.
 *
 * The public portal is a second entry of the same build: /portal and every path
 * below it that names no file get portal.html, never the console (a 404 while the
 * portal is not built in).
 *
 * Files under /assets/ carry a content hash in their names, so they may be cached for
 * good; index.html must be revalidated, so that a new release is picked up.
 */
#include "http/http_int.h"

#include <string.h>

static const struct {
	const char *ext;
	const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
};

#define ASSETS "/assets/"
#define PORTAL "/portal"
#define CACHE_FOREVER "public, max-age=31536000, immutable"

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static const lz_embedded *find(const char *rel)
{
	for (int i = 0; i < lz_web_files_count; i++)
		if (strcmp(lz_web_files[i].path, rel) == 0)
			return &lz_web_files[i];
	return NULL;
}

/* True for /portal and the paths below it: the public portal's own router. */
static bool is_portal(const char *path)
{
	return strncmp(path, PORTAL, sizeof(PORTAL) - 1) == 0 &&
	       (path[sizeof(PORTAL) - 1] == '\0' || path[sizeof(PORTAL) - 1] == '/');
}

int lz_http__static(lz_reply *out, lz_req *r)
{
	bool asset = strncmp(r->path, ASSETS, sizeof(ASSETS) - 1) == 0;
	const lz_embedded *f = find(r->path + 1);

	if (!f && asset)
		return lz_error_set(LZ_ENOTFOUND, NULL, "no such file: %.200s", r->path);
	if (!f && is_portal(r->path) && !(f = find("portal.html")))
		return lz_error_set(LZ_ENOTFOUND, NULL, "the public portal is not built into this binary");
	if (!f && !(f = find("index.html")))
		return lz_error_set(LZ_ENOTFOUND, NULL, "the console is not built into this binary");
	out->status = 200;
	out->data = f->data;
	out->len = f->len;
	out->content_type = type_of(f->path);
	out->cache_control = asset ? CACHE_FOREVER : "no-cache";
	return 0;
}
