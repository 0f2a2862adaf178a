/* cmd_serve.c — `luzhi serve`: open and migrate the store, then serve HTTP. */
#include "cli/cli.h"

#include "base/log.h"
#include "http/http.h"

static const lz_opt opts[] = {
	{"listen", true, "address:port to listen on (default 127.0.0.1:8080)"},
	{"threads", true, "HTTP worker threads (default 2)"},
	{NULL, false, NULL},
};

static int run(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	lz_http_opts hopts = LZ_HTTP_OPTS_INIT;
	lz_app app;
	int error;

	(void)cmd;
	(void)args;
	if ((error = lz_cli_open(&app, cfg, true)) < 0)
		return error;
	hopts.listen = cfg->listen;
	hopts.threads = cfg->threads > 0 ? cfg->threads : 2;
	hopts.body_limit = (size_t)cfg->body_limit;
	lz_log(LZ_LOG_INFO, NULL, "luzhi %s serving %s on %s", LUZHI_VERSION, lz_db_backend(app.db), cfg->listen);
	error = lz_http_serve(&app, &hopts);
	lz_cli_close(&app);
	if (error == 0)
		lz_log(LZ_LOG_INFO, NULL, "luzhi stopped cleanly");
	return error;
}

const lz_cmd lz_cmd_serve = {"serve", "serve [--listen ADDR:PORT] [--db URL | --data-dir DIR]",
			     "serve the HTTP API, the console and the public portal", opts, run};
