from recordroom.cli import script

script()
