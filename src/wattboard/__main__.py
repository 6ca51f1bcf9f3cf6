from wattboard.cli import main

main()
