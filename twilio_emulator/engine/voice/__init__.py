"""Voice: calls placed and received, the verbs that listen to a phone or connect it (<Gather>, <Record>,
<Dial>), and the recordings they make."""
