"""A small, realistic ops package: stop idle image builders every night, build golden images,
run fleets in office hours, roll a new image out to a stack's fleets, publish an app to an
Elastic fleet's catalog."""
