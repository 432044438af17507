"""The project's Scrapy commands (COMMANDS_MODULE); they replace built-ins of the same name."""
