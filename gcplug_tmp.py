import gc, os
def pytest_configure(config):
    if os.environ.get("GCTUNE"):
        gc.collect(); gc.freeze()
        gc.set_threshold(*map(int, os.environ["GCTUNE"].split(",")))
