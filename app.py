"""Run the web chat and the HTTP API: ``python app.py`` (the same as ``policyqa serve``)."""

import sys

from assistant.faces.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
