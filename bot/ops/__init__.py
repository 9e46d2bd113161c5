"""Running the bot for real (#16): a company folder from the demo (`init`), backup and restore, the packaged demo.

Kept light: bot.config imports bot.ops.demo for the default knowledge folder, so nothing here imports the app.
"""
