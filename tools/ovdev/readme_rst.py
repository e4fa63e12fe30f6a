"""An addon's ``README.rst`` from its manifest and ``readme/`` fragments, in the
OCA layout of this repository's addons (OCA's ``oca-gen-addon-readme`` made it
for them; it is not installable here).

Handles what the pairs' fragments hold: ``DESCRIPTION.md`` and ``USAGE.md``,
copied as they are.
"""

import os

from .addons import read_manifest

MATURITY_COLOURS = {
    "Alpha": "red",
    "Beta": "yellow",
    "Production/Stable": "green",
    "Mature": "brightgreen",
}
PROJECT = "ov_association"


def _badge_text(text):
    # shields.io: a dash is written twice, a space as an underscore.
    return text.replace("-", "--").replace(" ", "_")


def _title(text, char="="):
    return f"{text}\n{char * len(text)}\n"


def readme_rst(manifest, description, usage):
    """The README.rst text for ``manifest`` (a dict) and the two fragments."""
    status = manifest.get("development_status", "Alpha")
    license_ = manifest["license"]
    name = manifest["name"]
    rule = "=" * len(name)
    authors = [a.strip() for a in manifest["author"].split(",") if a.strip()]
    parts = [
        f"{rule}\n{name}\n{rule}\n",
        f".. |badge1| image:: https://img.shields.io/badge/maturity-{_badge_text(status)}"
        f"-{MATURITY_COLOURS.get(status, 'lightgrey')}.png\n"
        "    :target: https://odoo-community.org/page/development-status\n"
        f"    :alt: {status}\n"
        f".. |badge2| image:: https://img.shields.io/badge/license-{_badge_text(license_)}"
        "-blue.png\n"
        "    :target: http://www.gnu.org/licenses/agpl-3.0-standalone.html\n"
        f"    :alt: License: {license_}\n",
        "|badge1| |badge2|\n",
        description.strip() + "\n",
        "**Table of contents**\n\n.. contents::\n   :local:\n",
        _title("Usage") + "\n" + usage.strip() + "\n",
        _title("Credits"),
        _title("Authors", "-") + "\n" + "".join(f"* {a}\n" for a in authors),
        _title("Maintainers", "-")
        + f"\nThis module is part of the `{PROJECT} <{manifest['website']}>`_ project.\n",
    ]
    return "\n".join(parts)


def addon_readme_rst(folder):
    """The README.rst of the addon in ``folder``, from its own files."""
    texts = []
    for fragment in ("DESCRIPTION.md", "USAGE.md"):
        with open(os.path.join(folder, "readme", fragment), encoding="utf-8") as f:
            texts.append(f.read())
    return readme_rst(read_manifest(folder), *texts)
