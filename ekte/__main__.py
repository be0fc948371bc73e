from ekte.cli import main

main()
