# The status page's sources beyond its folder (mk/components.mk):
# http-parser 2.9.4 from Debian's http-parser source package (the request
# parser Node.js used for years; one C file), compiled with the pipeline's
# flags. It parses what anyone on the network sends: a bug in it is this
# component's trap, contained and restarted.
HTTP_PARSER := $(SRC)/http-parser
httpd_PKGS := http-parser
httpd_SRCS := $(HTTP_PARSER)/http_parser.c
httpd_CFLAGS := -I$(HTTP_PARSER) -DHTTP_PARSER_STRICT=1
