"""The one ranking of passages for answers, search and the eval, and the Evidence it hands on."""
