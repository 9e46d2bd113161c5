"""見える化: the back office's web dashboard under /admin, signed in through a one-time link sent in chat.

Server-rendered (Jinja2, autoescaped), readable without JavaScript, charts drawn as SVG on the server. Every page
and every download asks `bot.web.access` what the signed-in person may see; nothing here writes a request.
"""
