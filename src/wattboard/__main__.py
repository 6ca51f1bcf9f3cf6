from wattboard.console import main

main()
