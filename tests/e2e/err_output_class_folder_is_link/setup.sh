# The class folder out/5a is a symbolic link to a folder outside the output folder.
mkdir out elsewhere
ln -s ../elsewhere out/5a
