"""The command line: the only wing that imports argparse. ``main`` builds the parser; one module per command
group (``users``, ``report``, ``kolada``); ``args`` holds the helpers they share."""
