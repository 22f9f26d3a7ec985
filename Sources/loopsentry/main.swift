import Sensor
print("placeholder")
