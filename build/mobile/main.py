"""`flet build` entry module: the staged copy of the app (see build/README.md)."""

from app.mobile import main

main()
