"""`python3 -u -m gpuprof_torch`: the server gpuprof talks to over fds 3 and 4."""

from .server import main

if __name__ == "__main__":
    main()
