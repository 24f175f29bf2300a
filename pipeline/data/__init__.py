"""The data layer: files of any supported schema -> awkward records of physics objects in GeV."""
