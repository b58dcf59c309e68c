{
  "sites": ["princeton"],
  "slices": []
}
