from shopdesk.cli import main

main()
