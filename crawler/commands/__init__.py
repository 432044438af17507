"""The project's Scrapy commands (COMMANDS_MODULE); they replace built-ins of the same name."""

from scrapy.exceptions import UsageError


def chosen_sites(option: str, known: list[str]) -> list[str]:
    """The sites named by ``--sites a,b``; UsageError naming the known ones if any is not."""
    sites = [site.strip() for site in option.split(",") if site.strip()]
    unknown = sorted(set(sites) - set(known))
    if unknown or not sites:
        raise UsageError(
            f"--sites {option!r}: unknown {', '.join(unknown) or 'empty list'}; "
            f"expected some of {', '.join(known)}",
            print_help=False,
        )
    return sites
